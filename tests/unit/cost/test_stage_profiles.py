"""A development stage within the seed's $0-5 a month at idle; prod keeps its protection.

The figures come from each stage's synthesized template (what `ops deploy` would create), priced
with the default (always-free) tier.
"""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal

from infra import STACK

from alarms.budget import for_stage, rank, within_budget
from alarms.build import build_alarms
from ops.cost.cli import app
from ops.cost.idle import idle_month
from ops.deploy.synth import build_template


def _count(template, resource_type):
    return sum(r["Type"] == resource_type for r in template["Resources"].values())


def test_dev_idles_within_5_dollars_a_month(runner):
    result = runner.invoke(app, ["idle", "--stage", "dev", "-f", "json"])
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["free_tier"] == "always"
    assert document["total"] <= 5.00
    template = build_template(STACK, "dev")
    assert _count(template, "AWS::WAFv2::WebACL") == 0
    assert _count(template, "AWS::KMS::Key") == 0
    assert _count(template, "AWS::CloudWatch::Dashboard") <= 3  # the free ones
    # the alarms read at most the 10 free alarm metrics, and every one of them is critical
    lines = {line["meter"]: line for s in document["services"].values() for line in s["lines"]}
    assert lines["cloudwatch.alarms"]["quantity"] <= 10
    assert lines["cloudwatch.alarms"]["cost"] == 0
    alarms = [r for r in template["Resources"].values() if r["Type"] == "AWS::CloudWatch::Alarm"]
    assert alarms and all("critical" in a["Properties"]["AlarmName"] for a in alarms)


def test_prod_keeps_its_protection_and_prints_what_each_line_buys(runner, sheet):
    template = build_template(STACK, "prod")
    assert _count(template, "AWS::WAFv2::WebACL") == 1
    assert _count(template, "AWS::KMS::Key") == 1
    month = idle_month(STACK, "prod", sheet, template=template)
    meters = {line.meter for _, line in month.bill.lines()}
    assert {"waf.web_acls", "waf.rules", "kms.keys", "cloudwatch.dashboards", "cloudwatch.alarms"} <= meters
    result = runner.invoke(app, ["idle", "--stage", "prod"])
    assert "protection of the REST API" in result.stdout
    assert "encryption at rest under a key the account controls" in result.stdout
    assert month.bill.total > Decimal(5)


def test_the_alarm_budget_keeps_critical_errors_first_and_new_alarms_compete_by_the_rule():
    full = build_alarms(STACK, "dev")
    kept = for_stage(full, STACK, "dev")
    assert sum(len(a.metrics) for a in kept.alarms) <= 10
    assert all(a.severity == "critical" for a in kept.alarms)
    # the composite rolls up the kept critical alarms (those about the alarm path notify apart)
    assert kept.composites and set(kept.composites[0].children) <= {a.name for a in kept.alarms}
    assert kept.email_topic_arn == full.email_topic_arn
    # An alarm added later (say a one-metric count of 5XX answers) takes its place by the rule,
    # no list of names involved: critical errors first, fewest metrics first, then model order.
    template = next(a for a in full.alarms if a.severity == "critical" and len(a.metrics) == 1)
    newcomer = replace(template, name="x-rest-5xx-count", slug="rest-5xx-count", check="rest_5xx_count")
    assert newcomer in within_budget((newcomer, *full.alarms), 10)
    assert replace(newcomer, severity="warning") not in within_budget((replace(newcomer, severity="warning"),), 10)
    slow = replace(newcomer, name="x-latency", check="rest_latency_p99")
    assert rank(slow) > rank(newcomer)
    assert within_budget((slow, *full.alarms), 10) == within_budget(full.alarms, 10)  # errors come first
    # prod has no budget: every alarm is deployed
    assert len(for_stage(build_alarms(STACK, "prod"), STACK, "prod").alarms) == len(build_alarms(STACK, "prod").alarms)
