"""The web build's distribution: CloudFront answering 5xx (the bucket or CloudFront failing) or
many 4xx (broken links, a deploy that removed files still referenced). Rates are CloudFront's
own (``5xxErrorRate``, ``4xxErrorRate``), counted only once the period has ``min_samples``
requests. The metrics live in us-east-1: these alarms notify the topic themselves instead of
feeding ServiceHealth, which a stack outside us-east-1 could not build them into."""

from __future__ import annotations

from alarms.rules.base import OVERVIEW, RuleContext, Where, levels, number
from alarms.spec import AlarmSpec, Query
from kit.metrics import distribution_metric

_KINDS = (
    (
        "cloudfront_5xx_error_rate",
        "5xxErrorRate",
        "CloudFront answers the web build's visitors with server errors: the web app does not load.",
        "Is the web bucket reachable (its policy still names this distribution's OAC)? AWS Health for "
        "CloudFront and S3; an error from the origin shows as 502/503/504.",
    ),
    (
        "cloudfront_4xx_error_rate",
        "4xxErrorRate",
        "Many web requests are refused: a deploy removed files pages still ask for, or someone probes the site.",
        "Compare with the last `ops deploy web` (a hashed file deleted while old pages still load it); "
        "403s from the bucket mean the origin access control or bucket policy changed.",
    ),
)


def alarms(ctx: RuleContext) -> list[AlarmSpec]:
    """5xx and 4xx error-rate alarms of the web distribution; none without one."""
    if ctx.stack.web is None or not ctx.target.web_distribution_id:
        return []
    out: list[AlarmSpec] = []
    for check_key, metric_name, means, action in _KINDS:
        check = ctx.thresholds.check(check_key)
        requests = distribution_metric(ctx.target, "Requests", "Sum")
        rate = distribution_metric(ctx.target, metric_name, "Average")
        guard = number(check.min_samples)
        queries = (
            Query("req", requests),
            Query("err", rate),
            Query(
                "rate",
                expression=f"IF(FILL(req, 0) >= {guard}, FILL(err, 0), 0)",
                label=f"web {metric_name} (percent)",
                return_data=True,
            ),
        )

        def condition(level: float, metric_name: str = metric_name, guard: str = guard) -> str:
            return f"{metric_name} >= {number(level)}% with >= {guard} requests a period"

        out += levels(
            ctx,
            check,
            Where(("web",), "web distribution (CloudFront)", OVERVIEW),
            condition=condition,
            means=means,
            action=action,
            unit="percent",
            queries=queries,
            route="topic",
        )
    return out
