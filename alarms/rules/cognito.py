"""AWS's recommended Cognito alarms: sign-up, sign-in and token-refresh throttles of the app
client."""

from __future__ import annotations

from alarms.rules.base import OVERVIEW, RuleContext, Where, levels, number
from alarms.spec import AlarmSpec
from kit.metrics import cognito_metric

_KINDS = (
    ("sign-up", "SignUpThrottles", "new users cannot register"),
    ("sign-in", "SignInThrottles", "users cannot log in"),
    ("token-refresh", "TokenRefreshThrottles", "sessions cannot be refreshed and users are logged out"),
)


def alarms(ctx: RuleContext) -> list[AlarmSpec]:
    """Cognito throttle alarms of the user pool's client."""
    out: list[AlarmSpec] = []
    for part, metric_name, effect in _KINDS:

        def condition(level: float, metric_name: str = metric_name) -> str:
            return f"{metric_name} >= {number(level)} a period"

        out += levels(
            ctx,
            ctx.thresholds.check("cognito_throttles"),
            Where(("cognito", part), "Cognito user pool", OVERVIEW),
            condition=condition,
            means=f"Cognito throttles {part} requests: {effect}.",
            action="Check the Cognito quotas page for the pool's category; request an increase or find the retry loop.",
            unit="count",
            metric=cognito_metric(ctx.target, metric_name),
        )
    return out
