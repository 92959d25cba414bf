"""AWS's recommended WebSocket API alarms: client error rate, execution errors and p90
integration latency, on the stage the model declares."""

from __future__ import annotations

from alarms.metrics import websocket_metric
from alarms.rules.base import OVERVIEW, RuleContext, Where, levels, number, rate_queries
from alarms.spec import AlarmSpec


def alarms(ctx: RuleContext) -> list[AlarmSpec]:
    """WebSocket alarms, when any function serves a WebSocket route."""
    if not any(f.websocket_routes for f in ctx.stack.functions):
        return []
    target, thresholds = ctx.target, ctx.thresholds
    where = Where((), "WebSocket API", OVERVIEW)
    check = thresholds.check("websocket_client_error_rate")
    out = levels(
        ctx,
        check,
        where,
        condition=lambda level: (
            f"client error rate >= {number(level)}% of connects and messages (once {number(check.min_samples)}+)"
        ),
        means="Connects or frames are refused: bad tokens at $connect, oversized or malformed frames, throttling.",
        action=(
            "Check FramesRefused and ConnectionsOpened on the overview; look for a client release or expired tokens."
        ),
        unit="%",
        queries=rate_queries(
            websocket_metric(target, "ClientError"),
            [websocket_metric(target, "ConnectCount"), websocket_metric(target, "MessageCount")],
            min_samples=check.min_samples,
            label="Client error rate (%)",
        ),
    )
    out += levels(
        ctx,
        thresholds.check("websocket_execution_errors"),
        where,
        condition=lambda level: f"execution errors >= {number(level)} a period",
        means="API Gateway could not run the WebSocket integration: the function failed, timed out or was throttled.",
        action="Check the websocket function's error and throttle alarms and its logs.",
        unit="count",
        metric=websocket_metric(target, "ExecutionError"),
    )
    out += levels(
        ctx,
        thresholds.check("websocket_integration_latency_p90"),
        where,
        condition=lambda level: f"p90 integration latency >= {number(level)} ms",
        means="The WebSocket function answers frames slowly; typing and messages lag.",
        action="Follow the websocket function's duration and the fan-out latency; check DynamoDB latency.",
        unit="ms",
        metric=websocket_metric(target, "IntegrationLatency", "p90"),
    )
    return out
