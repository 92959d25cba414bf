"""The stack's alarms that are not OK, read with DescribeAlarms: since when, the value the
alarm saw against its threshold (``StateReasonData``), and the runbook to follow."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from typing import Any

from ops.status.report import AlarmRow

_RUNBOOK = re.compile(r"Runbook:\s*(\S+)")
SYMBOLS = {
    "GreaterThanOrEqualToThreshold": ">=",
    "GreaterThanThreshold": ">",
    "LessThanThreshold": "<",
    "LessThanOrEqualToThreshold": "<=",
    "LessThanLowerOrGreaterThanUpperThreshold": "outside",
    "LessThanLowerThreshold": "<",
    "GreaterThanUpperThreshold": ">",
}
# Worst first: what is firing, then what cannot be judged.
_ORDER = {"ALARM": 0, "INSUFFICIENT_DATA": 1}


def _iso(moment: Any) -> str | None:
    if isinstance(moment, dt.datetime):
        aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
        return aware.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    return str(moment) if moment else None


def _reason_data(alarm: Mapping[str, Any]) -> dict[str, Any]:
    try:
        data = json.loads(alarm.get("StateReasonData") or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _triggering(data: Mapping[str, Any]) -> tuple[str, ...]:
    names = []
    for child in data.get("triggeringAlarms") or []:
        if isinstance(child, dict):
            name = child.get("name") or str(child.get("arn") or "").rsplit(":alarm:", 1)[-1]
            if name:
                names.append(str(name))
    return tuple(names)


def row(alarm: Mapping[str, Any], runbooks: Mapping[str, str], composite: bool) -> AlarmRow:
    """One alarm of DescribeAlarms as a row; ``runbooks`` by alarm name (the model's), else the
    description's ``Runbook:`` line."""
    data = _reason_data(alarm)
    recent = [v for v in data.get("recentDatapoints") or [] if isinstance(v, int | float)]
    threshold = alarm.get("Threshold", data.get("threshold"))
    name = str(alarm["AlarmName"])
    described = _RUNBOOK.search(str(alarm.get("AlarmDescription") or "")) or _RUNBOOK.search(
        str(alarm.get("AlarmRule") or "")
    )
    return AlarmRow(
        name=name,
        state=str(alarm.get("StateValue")),
        since=_iso(alarm.get("StateTransitionedTimestamp") or alarm.get("StateUpdatedTimestamp")),
        reason=str(alarm.get("StateReason") or ""),
        value=float(recent[-1]) if recent else None,
        threshold=float(threshold) if isinstance(threshold, int | float) else None,
        comparison=SYMBOLS.get(str(alarm.get("ComparisonOperator") or ""), ""),
        runbook=runbooks.get(name) or (described.group(1) if described else None),
        composite=composite,
        triggering=_triggering(data),
    )


def not_ok(cloudwatch: Any, prefix: str, runbooks: Mapping[str, str]) -> list[AlarmRow]:
    """Every alarm named ``prefix``... that is not OK, worst first (composites such as
    ServiceHealth before the alarms they roll up)."""
    rows: list[AlarmRow] = []
    paginator = cloudwatch.get_paginator("describe_alarms")
    for page in paginator.paginate(AlarmNamePrefix=prefix, AlarmTypes=["CompositeAlarm", "MetricAlarm"]):
        for alarm in page.get("CompositeAlarms") or []:
            if alarm.get("StateValue") != "OK":
                rows.append(row(alarm, runbooks, composite=True))
        for alarm in page.get("MetricAlarms") or []:
            if alarm.get("StateValue") != "OK":
                rows.append(row(alarm, runbooks, composite=False))
    rows.sort(key=lambda r: (_ORDER.get(r.state, 2), not r.composite, r.name))
    return rows
