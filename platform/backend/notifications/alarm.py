"""CloudWatch's alarm state-change message (the JSON inside the SNS notification), parsed.

Metric alarms carry a ``Trigger`` (one metric, or ``Metrics`` for metric math); composite
alarms carry ``AlarmRule`` and ``TriggeringChildren``. Missing fields are tolerated: a message
that parses at all is always worth showing to someone.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any


class NotAnAlarm(ValueError):
    """The SNS message is not a CloudWatch alarm state change."""


@dataclass(frozen=True)
class Trigger:
    """What a metric alarm watches and how it decides."""

    metric_name: str = ""
    namespace: str = ""
    statistic: str = ""
    dimensions: dict[str, str] = field(default_factory=dict)
    period: int = 0
    evaluation_periods: int = 0
    datapoints_to_alarm: int = 0
    comparison: str = ""
    threshold: float | None = None
    treat_missing_data: str = ""
    expression: str = ""
    metrics: tuple[dict[str, Any], ...] = ()

    @property
    def is_math(self) -> bool:
        """True for a metric-math alarm."""
        return bool(self.metrics)


@dataclass(frozen=True)
class Child:
    """A child alarm named in a composite alarm's message."""

    arn: str
    state: str = ""
    timestamp: dt.datetime | None = None

    @property
    def name(self) -> str:
        """The child alarm's name (the last part of its ARN)."""
        return self.arn.split(":alarm:", 1)[-1]


@dataclass(frozen=True)
class AlarmMessage:
    """One state change of one alarm."""

    name: str
    description: str
    state: str
    old_state: str
    reason: str
    changed_at: dt.datetime | None
    arn: str
    account_id: str
    region: str
    region_name: str
    trigger: Trigger | None = None
    rule: str = ""
    children: tuple[Child, ...] = ()

    @property
    def is_composite(self) -> bool:
        """True for a composite alarm."""
        return bool(self.rule) or (self.trigger is None and bool(self.children))


def parse_time(value: Any) -> dt.datetime | None:
    """CloudWatch's timestamps (``2025-11-25T10:06:12.345+0000``) as aware datetimes."""
    if not isinstance(value, str) or not value:
        return None
    for pattern in ("%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%dT%H:%M:%S%z"):
        try:
            return dt.datetime.strptime(value, pattern).astimezone(dt.UTC)
        except ValueError:
            continue
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(dt.UTC)
    except ValueError:
        return None


def _dimensions(raw: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, dict):
            name = item.get("name", item.get("Name"))
            value = item.get("value", item.get("Value"))
            if name is not None:
                out[str(name)] = str(value)
    return out


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _float(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _trigger(raw: dict[str, Any]) -> Trigger:
    metrics = tuple(m for m in raw.get("Metrics") or [] if isinstance(m, dict))
    dimensions = _dimensions(raw.get("Dimensions"))
    metric_name, namespace, statistic, expression = (
        str(raw.get("MetricName") or ""),
        str(raw.get("Namespace") or ""),
        str(raw.get("ExtendedStatistic") or raw.get("Statistic") or ""),
        "",
    )
    for query in metrics:
        if query.get("ReturnData") and query.get("Expression"):
            expression = str(query["Expression"])
        stat = query.get("MetricStat")
        if isinstance(stat, dict) and not dimensions:
            metric = stat.get("Metric") or {}
            # The first metric of a math alarm says which resource it is about.
            dimensions = _dimensions(metric.get("Dimensions"))
            metric_name = metric_name or str(metric.get("MetricName") or "")
            namespace = namespace or str(metric.get("Namespace") or "")
    return Trigger(
        metric_name=metric_name,
        namespace=namespace,
        statistic=statistic,
        dimensions=dimensions,
        period=_int(raw.get("Period")),
        evaluation_periods=_int(raw.get("EvaluationPeriods")),
        datapoints_to_alarm=_int(raw.get("DatapointsToAlarm")) or _int(raw.get("EvaluationPeriods")),
        comparison=str(raw.get("ComparisonOperator") or ""),
        threshold=_float(raw.get("Threshold")),
        treat_missing_data=str(raw.get("TreatMissingData") or ""),
        expression=expression,
        metrics=metrics,
    )


def _children(raw: Any) -> tuple[Child, ...]:
    out: list[Child] = []
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, str):
            out.append(Child(arn=item))
        elif isinstance(item, dict) and item.get("Arn"):
            raw_state = item.get("State")
            state: dict[str, Any] = raw_state if isinstance(raw_state, dict) else {}
            out.append(Child(str(item["Arn"]), str(state.get("Value") or ""), parse_time(state.get("Timestamp"))))
    return tuple(out)


def parse_alarm(message: str | dict[str, Any]) -> AlarmMessage:
    """The alarm state change in ``message`` (the SNS ``Message`` text or its parsed JSON);
    NotAnAlarm when it is something else."""
    if isinstance(message, str):
        try:
            data = json.loads(message)
        except ValueError:
            raise NotAnAlarm("the message is not JSON") from None
    else:
        data = message
    if not isinstance(data, dict) or "AlarmName" not in data or "NewStateValue" not in data:
        raise NotAnAlarm("the message has no AlarmName/NewStateValue")
    arn = str(data.get("AlarmArn") or "")
    parts = arn.split(":")
    region = parts[3] if len(parts) > 4 else ""
    trigger = data.get("Trigger")
    return AlarmMessage(
        name=str(data["AlarmName"]),
        description=str(data.get("AlarmDescription") or ""),
        state=str(data["NewStateValue"]),
        old_state=str(data.get("OldStateValue") or ""),
        reason=str(data.get("NewStateReason") or ""),
        changed_at=parse_time(data.get("StateChangeTime")),
        arn=arn,
        account_id=str(data.get("AWSAccountId") or (parts[4] if len(parts) > 4 else "")),
        region=region,
        region_name=str(data.get("Region") or region),
        trigger=_trigger(trigger) if isinstance(trigger, dict) else None,
        rule=str(data.get("AlarmRule") or ""),
        children=_children(data.get("TriggeringChildren")),
    )
