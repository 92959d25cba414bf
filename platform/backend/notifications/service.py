"""The notification path for one SNS event: parse each record, compose, deliver everywhere.

A record is lost only when every channel failed: then the invocation fails, and Lambda's
asynchronous retries (and the notifier's own error alarm) take over. A channel that failed
while another delivered is logged and counted, not retried, so nobody gets the same email twice.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from backend.notifications.alarm import NotAnAlarm, parse_alarm
from backend.notifications.channels import Channel, DeliveryError
from backend.notifications.notification import Notification, compose, compose_text


class NotificationUndelivered(RuntimeError):
    """No channel delivered a notification (the invocation fails so that Lambda retries)."""


@dataclass
class Report:
    """What happened to the records of one event."""

    records: int = 0
    delivered: int = 0
    failures: list[str] = field(default_factory=list)
    alarms: list[str] = field(default_factory=list)
    quiet: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready summary (the function's return value)."""
        return {
            "records": self.records,
            "delivered": self.delivered,
            "failures": self.failures,
            "alarms": self.alarms,
            "quiet": self.quiet,
        }


def worth_telling(notification: Notification) -> bool:
    """False for OK after INSUFFICIENT_DATA: nobody was told anything was wrong (a new
    alarm's first datapoints, a metric that came back), so an "all clear" is only noise; a
    fresh deploy would otherwise mail one per alarm. Every other change is told."""
    return not (notification.state == "OK" and notification.old_state == "INSUFFICIENT_DATA")


ChildReasons = Callable[[Sequence[str]], Mapping[str, str]]


def notification_of(record: Mapping[str, Any], child_reasons: ChildReasons | None = None) -> Notification:
    """The notification for one SNS record (alarm state change or plain message). For a
    composite, ``child_reasons`` looks up why each triggering child is in ALARM; when that
    lookup fails the notification still goes out, listing the children without it."""
    sns = record.get("Sns") or {}
    message = sns.get("Message") or ""
    try:
        alarm = parse_alarm(message)
    except NotAnAlarm:
        return compose_text(str(sns.get("Subject") or ""), str(message), str(sns.get("TopicArn") or ""))
    reasons: Mapping[str, str] = {}
    if alarm.is_composite and alarm.children and child_reasons is not None:
        try:
            reasons = child_reasons([child.name for child in alarm.children])
        except Exception:  # the page matters more than its detail: send it without
            reasons = {}
    return compose(alarm, reasons)


class Notifier:
    """Turns SNS events into delivered notifications.

    ``channels(topic_arn)`` returns the channels for notifications from that topic;
    ``on_result(channel, ok)`` observes each delivery (metrics, logs).
    """

    def __init__(
        self,
        channels: Callable[[str], Sequence[Channel]],
        on_result: Callable[[str, bool, str], None] | None = None,
        child_reasons: ChildReasons | None = None,
    ) -> None:
        self._channels = channels
        self._on_result = on_result or (lambda channel, ok, detail: None)
        self._child_reasons = child_reasons

    def handle(self, event: Mapping[str, Any]) -> Report:
        """Deliver every record of ``event``; NotificationUndelivered when a record reached
        no channel at all (and some channel was configured)."""
        report = Report()
        undelivered: list[str] = []
        for record in event.get("Records") or []:
            report.records += 1
            notification = notification_of(record, self._child_reasons)
            report.alarms.append(notification.alarm)
            if not worth_telling(notification):
                report.quiet.append(notification.alarm)
                continue
            topic_arn = str((record.get("Sns") or {}).get("TopicArn") or "")
            channels = self._channels(topic_arn)
            if not channels:
                self._on_result("none", False, "no delivery channel is configured")
                report.failures.append(f"{notification.alarm}: no delivery channel is configured")
                continue
            delivered = 0
            for channel in channels:
                try:
                    channel.send(notification)
                except DeliveryError as error:
                    report.failures.append(f"{notification.alarm}: {channel.name}: {error}")
                    self._on_result(channel.name, False, str(error))
                else:
                    delivered += 1
                    self._on_result(channel.name, True, notification.alarm)
            report.delivered += delivered
            if not delivered:
                undelivered.append(notification.alarm)
        if undelivered:
            raise NotificationUndelivered(f"no channel delivered: {', '.join(undelivered)}")
        return report
