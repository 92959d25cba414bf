"""Entry point of the notifier function (SNS alarm topic -> webhook and email)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit

from backend.notifications import bootstrap
from backend.observability import lambda_entry, logger, metrics


def _observe(channel: str, ok: bool, detail: str) -> None:
    if ok:
        metrics.add_metric(name="NotificationsDelivered", unit=MetricUnit.Count, value=1)
        logger.info("notification delivered", extra={"channel": channel, "alarm": detail})
    else:
        metrics.add_metric(name="NotificationFailures", unit=MetricUnit.Count, value=1)
        logger.error("notification not delivered", extra={"channel": channel, "error": detail})


def _notify(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return bootstrap.notifier(_observe).handle(event).as_dict()


handler = lambda_entry(_notify, correlation_id_path="Records[0].Sns.MessageId")
