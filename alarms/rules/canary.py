"""Outage detection at any traffic level: the canary function probes the REST API
(``GET /health``) and the WebSocket API (a connect) every minute and records 1 or 0 per probe.

A failed probe breaches: an outage is the canary recording 0, whatever the traffic. A minute
without a record does not (``treat_missing_data: notBreaching``): a run delayed by a cold start
or a slow machine is no evidence of an outage, and a fresh stack must not page before the
canary's first run. A canary that cannot run is seen by its own error and throttle alarms
(``canary-lambda-*``, children of ServiceHealth like these).
"""

from __future__ import annotations

from alarms.rules.base import RuleContext, Where, function_dashboard, levels
from alarms.spec import AlarmSpec
from kit.metrics import CANARY_CHECKS, business_metric, is_canary

_WHAT = {
    "rest": ("REST API", "GET /health did not answer 200"),
    "websocket": ("WebSocket API", "a connect was not answered by the websocket function"),
}


def alarms(ctx: RuleContext) -> list[AlarmSpec]:
    """One alarm per probe of the canary, when the model has a canary."""
    out: list[AlarmSpec] = []
    for function in ctx.stack.functions:
        if not is_canary(function):
            continue
        for probe, success, _latency in CANARY_CHECKS:
            api, failure = _WHAT[probe]
            where = Where(
                (probe,),
                f"{api} (canary)",
                function_dashboard(function.name),
                function.name,
                ctx.target.log_group(function),
            )

            def condition(_level: float, failure: str = failure) -> str:
                return f"probe failed or missing ({failure})"

            out += levels(
                ctx,
                ctx.thresholds.check("canary_failed", function.name),
                where,
                condition=condition,
                means=(
                    f"The {api} is unreachable or failing for everyone, whatever the traffic (or the canary itself "
                    "cannot run or report, which hides outages)."
                ),
                action=(
                    "Try the endpoint yourself (curl the REST /health, or connect with wscat); the canary's logs "
                    "name the failing probe and its answer. If the canary itself fails, see its error alarm."
                ),
                unit="1 = ok",
                metric=business_metric(ctx.stack, function, success, "Minimum"),
                comparison="LessThanThreshold",
            )
    return out
