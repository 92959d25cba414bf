"""AWS's recommended REST API alarms: 5XX and 4XX rates (metric math, so that two failed
requests at night are not an outage) and p90 latency, on the stage the model declares."""

from __future__ import annotations

from alarms.rules.base import OVERVIEW, RuleContext, Where, count_source, levels, number, rate_queries
from alarms.spec import AlarmSpec
from kit.metrics import rest_metric


def alarms(ctx: RuleContext) -> list[AlarmSpec]:
    """REST alarms, when any function serves a REST route."""
    if not any(f.rest_routes for f in ctx.stack.functions):
        return []
    target, thresholds = ctx.target, ctx.thresholds
    where = Where((), "REST API", OVERVIEW)
    count = rest_metric(target, "Count")
    out: list[AlarmSpec] = []
    for key, metric_name, means, action in (
        (
            "rest_5xx_rate",
            "5XXError",
            "REST requests fail on the server side (function errors, timeouts, integration failures).",
            "Find the failing function on the overview (error rate per function), then follow its alarm's runbook.",
        ),
        (
            "rest_4xx_rate",
            "4XXError",
            "Many REST requests are refused: expired tokens, a client release sending bad requests, or abuse.",
            "Break the 4XX down by resource in the access logs; check WAF blocks and the authorizer.",
        ),
    ):
        check = thresholds.check(key)
        what, samples = metric_name[:3], number(check.min_samples)

        def condition(level: float, what: str = what, samples: str = samples) -> str:
            return f"{what} rate >= {number(level)}% of requests (once {samples}+ a period)"

        out += levels(
            ctx,
            check,
            where,
            condition=condition,
            means=means,
            action=action,
            unit="%",
            queries=rate_queries(
                rest_metric(target, metric_name),
                [count],
                min_samples=check.min_samples,
                label=f"{metric_name[:3]} rate (%)",
            ),
        )
    check = thresholds.check("rest_5xx_count")
    scope = f" (while under {number(check.max_samples)} requests a period)" if check.max_samples > 0 else ""
    out += levels(
        ctx,
        check,
        where,
        condition=lambda level: f"5XX answers >= {number(level)} a period{scope}",
        means=(
            "REST requests fail on the server side on thin traffic, where the 5XX-rate alarm does not look yet "
            "(function errors, 503s from a throttled dependency, integration failures)."
        ),
        action="Find the failing function on the overview (errors per function), then follow its alarm's runbook.",
        unit="count",
        **count_source(check, rest_metric(target, "5XXError"), [count], label="5XX (thin traffic)"),
    )
    out += levels(
        ctx,
        thresholds.check("rest_latency_p90"),
        where,
        condition=lambda level: f"p90 latency >= {number(level)} ms",
        means="REST answers are slow for one request in ten; the app feels sluggish.",
        action=(
            "Compare Latency with the functions' duration: if they match, follow the slow function; "
            "if not, check API Gateway."
        ),
        unit="ms",
        metric=rest_metric(target, "Latency", "p90"),
    )
    return out
