"""What to tell people about one alarm state change, before any formatting.

A ``Notification`` answers: what fired (alarm, level, condition), on which resource, how bad
(value against threshold), since when, what it means and what to do, and where to look
(dashboard, runbook, logs, traces, the alarm itself).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from backend.notifications import links
from backend.notifications.alarm import AlarmMessage
from backend.notifications.description import parse_description
from backend.notifications.reason import parse_reason

STATE_WORDS = {"ALARM": "ALARM", "OK": "OK (resolved)", "INSUFFICIENT_DATA": "INSUFFICIENT DATA"}
STATE_ICONS = {"ALARM": ":red_circle:", "OK": ":large_green_circle:", "INSUFFICIENT_DATA": ":white_circle:"}
COMPARISONS = {
    "GreaterThanOrEqualToThreshold": ">=",
    "GreaterThanThreshold": ">",
    "LessThanThreshold": "<",
    "LessThanOrEqualToThreshold": "<=",
}


@dataclass(frozen=True)
class Link:
    """A titled URL."""

    title: str
    url: str


@dataclass(frozen=True)
class Notification:
    """One readable alarm notification."""

    alarm: str
    state: str
    old_state: str
    severity: str
    resource: str
    condition: str
    headline: str
    value: str
    since: str
    means: str
    action: str
    where: str
    details: tuple[str, ...] = ()
    links: tuple[Link, ...] = field(default=())

    @property
    def icon(self) -> str:
        """A Slack emoji code for the state."""
        return STATE_ICONS.get(self.state, ":grey_question:")

    @property
    def level(self) -> str:
        """``CRITICAL``/``WARNING`` (or ``ALARM`` when the alarm does not say)."""
        return (self.severity or "alarm").upper()

    @property
    def state_words(self) -> str:
        """The new state in words."""
        return STATE_WORDS.get(self.state, self.state)


def number(value: float | None) -> str:
    """A value rounded for reading (``12.35``, ``2500``, ``0.004``)."""
    if value is None:
        return "?"
    if value == 0 or abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 1:
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{value:.3g}"


def when(moment: dt.datetime | None) -> str:
    """``2025-11-25 10:06 UTC``."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC") if moment else "unknown time"


_UNIT = re.compile(r"(?:>=|>|<=|<)\s*[\d.,]+\s*(%|ms|s)(?![\w])")


def unit_of(condition: str) -> str:
    """The unit the condition states its threshold in (``%``, `` ms``), or nothing."""
    match = _UNIT.search(condition)
    if not match:
        return ""
    return "%" if match.group(1) == "%" else f" {match.group(1)}"


def _value(message: AlarmMessage, unit: str) -> str:
    reason = parse_reason(message.reason)
    trigger = message.trigger
    threshold = reason.threshold if reason.threshold is not None else (trigger.threshold if trigger else None)
    symbol = COMPARISONS.get(trigger.comparison, "vs") if trigger else "vs"
    if reason.values:
        counted = ""
        if reason.breaching is not None and reason.evaluated is not None:
            verb = "breaching" if message.state == "ALARM" else "evaluated"
            counted = f" ({reason.breaching} of {reason.evaluated} datapoints {verb})"
        return f"{number(reason.latest)}{unit} (threshold {symbol} {number(threshold)}{unit}){counted}"
    if threshold is not None:
        return f"no datapoint in the message (threshold {symbol} {number(threshold)}{unit})"
    return "no datapoint in the message"


def _where(message: AlarmMessage) -> str:
    trigger = message.trigger
    if trigger and trigger.dimensions:
        dims = ", ".join(f"{k}={v}" for k, v in sorted(trigger.dimensions.items()))
        metric = f"{trigger.namespace} {trigger.metric_name}".strip()
        return f"{metric} [{dims}]" if metric else dims
    if trigger and trigger.namespace:
        return f"{trigger.namespace} {trigger.metric_name}".strip()
    return message.name


def compose(message: AlarmMessage, child_reasons: Mapping[str, str] | None = None) -> Notification:
    """The readable notification of ``message``. For a composite, ``child_reasons`` (child
    alarm name -> its current state reason, value against threshold) is shown beside each
    triggering child, so the page says how bad without a click."""
    description = parse_description(message.description)
    region = message.region or "us-east-1"
    at = message.changed_at
    function = (message.trigger.dimensions.get("FunctionName") if message.trigger else None) or ""
    log_group = description.log_group or (f"/aws/lambda/{function}" if function else "")
    if not function and log_group.startswith("/aws/lambda/"):
        function = log_group.removeprefix("/aws/lambda/")
    found: list[Link] = []
    if description.dashboard:
        found.append(Link("Dashboard", links.dashboard_link(region, description.dashboard)))
    if description.runbook:
        found.append(Link("Runbook", description.runbook))
    if log_group:
        found.append(Link("Logs query", links.logs_link(region, log_group, at)))
    if function:
        found.append(Link("Traces", links.traces_link(region, function, at)))
    found.append(Link("Alarm", links.alarm_link(region, message.name)))
    details: list[str] = []
    if message.is_composite:
        for child in message.children:
            since = f" since {when(child.timestamp)}" if child.timestamp else ""
            reason = (child_reasons or {}).get(child.name)
            details.append(f"{child.name}: {child.state or 'ALARM'}{since}" + (f": {reason}" if reason else ""))
            found.append(Link(child.name, links.alarm_link(region, child.name)))
        if not message.children and message.reason:
            details.append(message.reason)
    elif message.trigger and message.trigger.expression:
        details.append(f"Expression: {message.trigger.expression}")
    resource = description.resource or (function or _where(message))
    condition = description.condition or description.summary or message.name
    verb = {"ALARM": "is in ALARM", "OK": "is back to OK"}.get(message.state, f"is {message.state}")
    since = f"{when(at)} (was {message.old_state or 'unknown'})"
    return Notification(
        alarm=message.name,
        state=message.state,
        old_state=message.old_state,
        severity=description.severity,
        resource=resource,
        condition=condition,
        headline=f"{resource} {verb}",
        value=(
            "composite: each triggering alarm's value and threshold below"
            if child_reasons
            else "composite: see the triggering alarms below"
        )
        if message.is_composite
        else _value(message, unit_of(condition)),
        since=since,
        means=description.means or message.reason,
        action=description.action
        if message.state == "ALARM"
        else "Nothing to do now; check the dashboard that it stays healthy.",
        where=f"{_where(message)} in account {message.account_id or '?'}, {message.region_name or region}",
        details=tuple(details),
        links=tuple(found),
    )


def compose_text(subject: str, text: str, topic_arn: str) -> Notification:
    """A notification for a message on the alarm topic that is not an alarm state change."""
    return Notification(
        alarm=subject or "message",
        state="INFO",
        old_state="",
        severity="info",
        resource=topic_arn.rsplit(":", 1)[-1] or "alarm topic",
        condition=subject or "message on the alarm topic",
        headline=subject or "Message on the alarm topic",
        value="",
        since=when(dt.datetime.now(dt.UTC)),
        means=text[:2000],
        action="",
        where=topic_arn,
    )
