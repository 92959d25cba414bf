"""AWS's recommended WebSocket API alarms: client error rate, execution errors and p90
integration latency, on the stage the model declares."""

from __future__ import annotations

from alarms.rules.base import OVERVIEW, RuleContext, Where, function_dashboard, levels, number, rate_queries
from alarms.spec import AlarmSpec
from kit.metrics import accepts_connections, business_metric, websocket_metric


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
        means=(
            "API Gateway refuses connects or frames itself (ClientError): throttling, oversized frames, a route "
            "that does not exist. Tokens refused at $connect are not counted here (websocket_connects_refused_rate)."
        ),
        action="Check the stage's throttling and the frame sizes clients send; look for a client release.",
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
    out += _connect_alarms(ctx)
    return out


def _connect_alarms(ctx: RuleContext) -> list[AlarmSpec]:
    """Failed connects, from the function that serves ``$connect``: API Gateway records a token
    it refused (401) or a 503 as an ``IntegrationError`` only, so the function counts them."""
    out: list[AlarmSpec] = []
    for function in ctx.stack.functions:
        if not accepts_connections(function):
            continue
        name = function.name
        # Only one function can serve $connect: the check names suffice in the alarm names.
        where = Where((), f"{name} function ($connect)", function_dashboard(name), name, ctx.target.log_group(function))
        refused = business_metric(ctx.stack, function, "ConnectsRefused")
        check = ctx.thresholds.check("websocket_connects_refused_rate", name)

        def condition(level: float, samples: str = number(check.min_samples)) -> str:
            return f"refused connects >= {number(level)}% of connect attempts (once {samples}+ a period)"

        out += levels(
            ctx,
            check,
            where,
            condition=condition,
            means=(
                "Many WebSocket connects are refused with 401: tokens missing, expired or not signed by the pool. "
                "Clients cannot go live (no messages pushed, no calls ringing)."
            ),
            action=(
                "Logs: 'connection refused' lines carry the reason; a client release or a token refresh bug is "
                "the usual cause; a user pool or app-client change is the other."
            ),
            unit="%",
            queries=rate_queries(
                refused,
                [business_metric(ctx.stack, function, "ConnectionsOpened"), refused],
                min_samples=check.min_samples,
                label="Refused connects (%)",
            ),
        )
        out += levels(
            ctx,
            ctx.thresholds.check("auth_keys_unavailable", name),
            where,
            condition=lambda level: f"connects answered 503 (signing keys unavailable) >= {number(level)} a period",
            means=(
                "The function cannot read the user pool's signing keys (JWKS): every new WebSocket connection is "
                "refused with 503, for every user."
            ),
            action=(
                "Check the JWKS URL (settings: JWKS_URL / the pool's issuer) answers from the function's network; "
                "Cognito's health; the function's outbound access."
            ),
            unit="count",
            metric=business_metric(ctx.stack, function, "AuthKeysUnavailable"),
        )
    return out
