"""A notification as Slack-compatible webhook JSON: ``text`` (complete on its own, for
Mattermost, Teams and Slack's notification preview) plus Block Kit ``blocks``."""

from __future__ import annotations

from typing import Any

from backend.notifications.notification import Notification

# Slack's limits: header text 150 characters, section text 3000, fields 2000 each, 10 fields.
_HEADER_MAX = 150
_SECTION_MAX = 3000
_FIELD_MAX = 2000


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _escape(text: str) -> str:
    # Slack's mrkdwn needs only these three escaped.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def title(notification: Notification) -> str:
    """``CRITICAL · ALARM · chat function``."""
    return f"{notification.level} \u00b7 {notification.state_words} \u00b7 {notification.resource}"


def plain_text(notification: Notification) -> str:
    """The whole notification in mrkdwn text, readable without blocks."""
    n = notification
    lines = [
        f"{n.icon} *{_escape(title(n))}*",
        f"*{_escape(n.condition)}*",
    ]
    if n.value:
        lines.append(f"*Value:* {_escape(n.value)}")
    lines.append(f"*Since:* {_escape(n.since)}")
    if n.means:
        lines.append(f"*Means:* {_escape(n.means)}")
    if n.action:
        lines.append(f"*Do:* {_escape(n.action)}")
    lines.extend(f"\u2022 {_escape(d)}" for d in n.details)
    lines.append(f"*Where:* {_escape(n.where)}")
    if n.links:
        lines.append(" | ".join(f"<{link.url}|{_escape(link.title)}>" for link in n.links))
    lines.append(f"_Alarm: {_escape(n.alarm)}_")
    return "\n".join(lines)


def payload(notification: Notification) -> dict[str, Any]:
    """The webhook body for ``notification``."""
    n = notification
    fields = [{"type": "mrkdwn", "text": _cut(f"*Since*\n{_escape(n.since)}", _FIELD_MAX)}]
    if n.value:
        fields.insert(0, {"type": "mrkdwn", "text": _cut(f"*Value*\n{_escape(n.value)}", _FIELD_MAX)})
    fields.append({"type": "mrkdwn", "text": _cut(f"*Where*\n{_escape(n.where)}", _FIELD_MAX)})
    body = [f"*{_escape(n.condition)}*"]
    if n.means:
        body.append(_escape(n.means))
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": _cut(title(n), _HEADER_MAX), "emoji": True}},
        {"type": "section", "text": {"type": "mrkdwn", "text": _cut("\n".join(body), _SECTION_MAX)}},
        {"type": "section", "fields": fields},
    ]
    if n.action:
        blocks.append(
            {"type": "section", "text": {"type": "mrkdwn", "text": _cut(f"*Do:* {_escape(n.action)}", _SECTION_MAX)}}
        )
    if n.details:
        details = "\n".join(f"\u2022 {_escape(d)}" for d in n.details)
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": _cut(details, _SECTION_MAX)}})
    if n.links:
        text = " \u00b7 ".join(f"<{link.url}|{_escape(link.title)}>" for link in n.links)
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": _cut(text, _SECTION_MAX)}]})
    return {"text": _cut(plain_text(n), 40000), "blocks": blocks}
