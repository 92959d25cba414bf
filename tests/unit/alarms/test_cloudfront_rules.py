"""The web distribution's alarms: CloudFront's own error rates, guarded by its request count,
read in us-east-1 under Region=Global, and created by the template only in us-east-1."""

from __future__ import annotations

import dataclasses

from infra import STACK
from infra.template import names

from alarms.build import build_alarms
from alarms.render import cloudformation_resources, logical_id


def test_5xx_and_4xx_rates_of_the_distribution() -> None:
    alarms = {a.slug: a for a in build_alarms(STACK, "prod").alarms if a.slug.startswith("web-")}
    assert set(alarms) == {
        "web-cloudfront-5xx-error-rate-warning",
        "web-cloudfront-5xx-error-rate-critical",
        "web-cloudfront-4xx-error-rate-warning",
    }
    spec = alarms["web-cloudfront-5xx-error-rate-critical"]
    metrics = {q.id: q.metric for q in spec.queries if q.metric is not None}
    assert (metrics["err"].name, metrics["err"].stat, metrics["req"].name, metrics["req"].stat) == (
        "5xxErrorRate",
        "Average",
        "Requests",
        "Sum",
    )
    for metric in metrics.values():
        assert metric.namespace == "AWS/CloudFront"
        assert metric.region == "us-east-1"
        assert dict(metric.dimensions) == {"DistributionId": "${WebDistribution}", "Region": "Global"}
    (rate,) = [q for q in spec.queries if q.return_data]
    assert rate.expression == "IF(FILL(req, 0) >= 20, FILL(err, 0), 0)"
    assert spec.route == "topic"
    assert spec.runbook.endswith("#cloudfront_5xx_error_rate")


def test_the_template_creates_them_only_in_us_east_1() -> None:
    alarm_set = build_alarms(STACK, "prod")
    resources = cloudformation_resources(alarm_set)
    for spec in alarm_set.alarms:
        resource = resources[logical_id(spec.slug)]
        expected = names.IN_US_EAST_1 if spec.slug.startswith("web-") else None
        assert resource.get("Condition") == expected, spec.slug


def test_no_web_hosting_no_web_alarms() -> None:
    alarm_set = build_alarms(dataclasses.replace(STACK, web=None), "prod")
    assert not [a for a in alarm_set.alarms if a.slug.startswith("web-")]
