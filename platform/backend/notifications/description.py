"""The alarm description layout the alarms package writes, read back.

    [CRITICAL] chat function: error rate >= 5% of invocations for 3 of 5 periods of 1 min
    Means: ...
    Do: ...
    Runbook: https://...
    Dashboard: chat-platform-prod-function-chat
    Logs: /aws/lambda/chat-platform-prod-chat

A description in any other shape still works: its first line becomes the summary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_HEAD = re.compile(r"^\[(?P<severity>[A-Za-z]+)\]\s*(?P<resource>[^:]+):\s*(?P<condition>.+)$")
_FIELD = re.compile(r"^(?P<key>Means|Do|Runbook|Dashboard|Logs):\s*(?P<value>.*)$")


@dataclass(frozen=True)
class Description:
    """The parts of an alarm description."""

    summary: str = ""
    severity: str = ""
    resource: str = ""
    condition: str = ""
    means: str = ""
    action: str = ""
    runbook: str = ""
    dashboard: str = ""
    log_group: str = ""


def parse_description(text: str) -> Description:
    """The parts of ``text``; only ``summary`` for a description in a foreign shape."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return Description()
    head = _HEAD.match(lines[0])
    fields: dict[str, str] = {}
    for line in lines[1:]:
        match = _FIELD.match(line)
        if match:
            fields[match["key"]] = match["value"].strip()
    return Description(
        summary=lines[0],
        severity=head["severity"].lower() if head else "",
        resource=head["resource"].strip() if head else "",
        condition=head["condition"].strip() if head else "",
        means=fields.get("Means", ""),
        action=fields.get("Do", ""),
        runbook=fields.get("Runbook", ""),
        dashboard=fields.get("Dashboard", ""),
        log_group=fields.get("Logs", ""),
    )
