"""A notification as an email: a subject SNS accepts (ASCII, one line, under 100 characters)
and a plain-text body."""

from __future__ import annotations

from dataclasses import dataclass

from backend.notifications.notification import Notification

SUBJECT_MAX = 99


@dataclass(frozen=True)
class Email:
    """Subject and body."""

    subject: str
    body: str


def _ascii(text: str) -> str:
    return "".join(c if 32 <= ord(c) < 127 else "?" for c in text.replace("\u00b7", "-"))


def subject(notification: Notification) -> str:
    """``[ALARM][CRITICAL] chat function: error rate >= 5% ...`` cut to SNS's limit."""
    n = notification
    state = "OK" if n.state == "OK" else n.state
    text = _ascii(f"[{state}][{n.level}] {n.resource}: {n.condition}")
    return text if len(text) <= SUBJECT_MAX else text[: SUBJECT_MAX - 3] + "..."


def render(notification: Notification) -> Email:
    """The email of ``notification``."""
    n = notification
    lines = [f"{n.level} - {n.state_words} - {n.resource}", "", n.condition, ""]
    if n.value:
        lines.append(f"Value:  {n.value}")
    lines.append(f"Since:  {n.since}")
    lines.append(f"Where:  {n.where}")
    lines.append("")
    if n.means:
        lines += ["What it means:", f"  {n.means}", ""]
    if n.action:
        lines += ["What to do:", f"  {n.action}", ""]
    if n.details:
        lines += ["Details:", *(f"  - {d}" for d in n.details), ""]
    if n.links:
        lines += ["Links:", *(f"  {link.title}: {link.url}" for link in n.links), ""]
    lines.append(f"Alarm: {n.alarm}")
    return Email(subject=subject(n), body="\n".join(lines) + "\n")
