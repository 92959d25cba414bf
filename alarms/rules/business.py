"""Business alarms: the fan-out of messages to connected clients fails or lags.

They apply to every function that posts to WebSocket connections (its permissions say so),
where the backend emits ``MessagesDelivered``, ``FanoutFailures`` and ``FanoutLatency``.
"""

from __future__ import annotations

from alarms.metrics import business_metric, fans_out
from alarms.rules.base import RuleContext, Where, function_dashboard, levels, number, rate_queries
from alarms.spec import AlarmSpec


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
            return f"fan-out failure rate >= {number(level)}% of deliveries (once {samples}+ a period)"

        out += levels(
            ctx,
            check,
            where,
            condition=condition,
            means=(
                "Messages are stored but not pushed to some connected clients; they see them only after a "
                "reconnect and resync."
            ),
            action=(
                "Look for non-410 errors from the management API in the logs; check API Gateway's WebSocket "
                "execution errors and the account's API Gateway throttling."
            ),
            unit="%",
            queries=rate_queries(
                failures,
                [business_metric(ctx.stack, function, "MessagesDelivered"), failures],
                min_samples=check.min_samples,
                label="Fan-out failure rate (%)",
            ),
        )
        out += levels(
            ctx,
            ctx.thresholds.check("fanout_latency_p90", name),
            where,
            condition=lambda level: f"p90 delivery latency >= {number(level)} ms",
            means="Messages reach recipients late: fan-out to their connections is slow.",
            action=(
                "Check the function's duration and the management API latency in traces; a large group or a "
                "saturated fan-out pool (FANOUT_POOL_SIZE) are the usual causes."
            ),
            unit="ms",
            metric=business_metric(ctx.stack, function, "FanoutLatency", "p90"),
        )
    return out
