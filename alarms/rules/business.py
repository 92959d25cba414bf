"""Business alarms: the fan-out of events to connected clients fails or lags, and the
backend's own failure counts (dependencies failing after retries, rate limits).

Fan-out alarms apply to every function that posts to WebSocket connections (its permissions
say so), where the backend emits ``FanoutDeliveries``, ``FanoutFailures`` and ``FanoutLatency``
for every push, whatever the kind of event (messages, call events, typing, read markers), so
numerator and denominator count the same posts.
"""

from __future__ import annotations

from alarms.rules.base import RuleContext, Where, function_dashboard, levels, number, rate_queries
from alarms.spec import AlarmSpec
from kit.metrics import business_metric, fans_out, serves_routes


def alarms(ctx: RuleContext) -> list[AlarmSpec]:
    """Fan-out failure rate and delivery latency of each fanning-out function."""
    out: list[AlarmSpec] = []
    for function in ctx.stack.functions:
        if not fans_out(function):
            continue
        name = function.name
        where = Where(
            (name,), f"{name} function (fan-out)", function_dashboard(name), name, ctx.target.log_group(function)
        )
        failures = business_metric(ctx.stack, function, "FanoutFailures")
        check = ctx.thresholds.check("fanout_failure_rate", name)

        def condition(level: float, samples: str = number(check.min_samples)) -> str:
            return f"fan-out failure rate >= {number(level)}% of posts to connections (once {samples}+ a period)"

        out += levels(
            ctx,
            check,
            where,
            condition=condition,
            means=(
                "Events (messages, call events, typing) are not pushed to some connected clients; stored messages "
                "show after a reconnect and resync, live call events are lost."
            ),
            action=(
                "Look for non-410 errors from the management API in the logs; check API Gateway's WebSocket "
                "execution errors and the account's API Gateway throttling."
            ),
            unit="%",
            queries=rate_queries(
                failures,
                [business_metric(ctx.stack, function, "FanoutDeliveries"), failures],
                min_samples=check.min_samples,
                label="Fan-out failure rate (%)",
            ),
        )
        out += levels(
            ctx,
            ctx.thresholds.check("fanout_latency_p90", name),
            where,
            condition=lambda level: f"p90 fan-out latency >= {number(level)} ms",
            means="Events reach recipients late: posting to their connections is slow.",
            action=(
                "Check the function's duration and the management API latency in traces; a large group or a "
                "saturated fan-out pool (FANOUT_POOL_SIZE) are the usual causes."
            ),
            unit="ms",
            metric=business_metric(ctx.stack, function, "FanoutLatency", "p90"),
        )
    out += _app_failures(ctx)
    return out


# (check, metric, what it means, what to do) of the backend's own failure counts.
_APP_FAILURES = (
    (
        "dependency_errors",
        "DependencyErrors",
        "A dependency (DynamoDB, Cognito, S3) failed with 5xx after the SDK's retries; users were answered 503.",
        "Logs: 'dependency unavailable after retries' names the operation and error code; AWS Health dashboard.",
    ),
    (
        "dependency_throttles",
        "DependencyThrottles",
        "A dependency throttled the function after the SDK's retries; users were answered 503 with Retry-After.",
        "Logs name the throttled operation: DynamoDB (hot key, see dynamodb_throttles) or a Cognito quota.",
    ),
    (
        "rate_limited",
        "RateLimited",
        "Users hit the app's per-user rate limits (429): a client retry loop, a script, or limits set too low.",
        "Logs: which user ids and which limit; a single user is abuse or a client bug, many users are the limits.",
    ),
)


def _app_failures(ctx: RuleContext) -> list[AlarmSpec]:
    out: list[AlarmSpec] = []
    for function in ctx.stack.functions:
        if not serves_routes(function):
            continue
        name = function.name
        where = Where((name,), f"{name} function", function_dashboard(name), name, ctx.target.log_group(function))
        for key, metric_name, means, action in _APP_FAILURES:

            def condition(level: float, metric_name: str = metric_name) -> str:
                return f"{metric_name} >= {number(level)} a period"

            out += levels(
                ctx,
                ctx.thresholds.check(key, name),
                where,
                condition=condition,
                means=means,
                action=action,
                unit="count",
                metric=business_metric(ctx.stack, function, metric_name),
            )
    return out
