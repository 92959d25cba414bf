"""The alarm path itself: SNS failing to deliver alarm notifications to the notifier."""

from __future__ import annotations

from alarms.rules.base import OVERVIEW, RuleContext, Where, levels, number
from alarms.spec import AlarmSpec
from kit.metrics import topic_metric


def alarms(ctx: RuleContext) -> list[AlarmSpec]:
    """Delivery failures of the alarm topic."""
    return levels(
        ctx,
        ctx.thresholds.check("sns_delivery_failures"),
        Where(("sns",), "alarm topic", OVERVIEW),
        condition=lambda level: f"failed deliveries >= {number(level)} a period",
        means="SNS could not deliver alarm notifications: people may not have been told about other alarms.",
        action=(
            "Check the notifier function's errors and logs and the topic's subscriptions; "
            "look at the alarms list by hand."
        ),
        unit="count",
        metric=topic_metric(ctx.target, "NumberOfNotificationsFailed"),
        # About the alarm path itself: straight to the email topic, not through the notifier.
        route=ctx.alarm_path_route,
    )
