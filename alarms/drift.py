"""Drift between the alarms the model generates and the alarms deployed in CloudWatch."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from infra.drift import Drift

# The fields ``alarms.render`` sets; anything else CloudWatch returns (state, ARN...) is ignored.
COMPARED = (
    "AlarmDescription",
    "ActionsEnabled",
    "AlarmActions",
    "OKActions",
    "Namespace",
    "MetricName",
    "Dimensions",
    "Statistic",
    "ExtendedStatistic",
    "Period",
    "Metrics",
    "EvaluationPeriods",
    "DatapointsToAlarm",
    "Threshold",
    "ComparisonOperator",
    "TreatMissingData",
    "EvaluateLowSampleCountPercentile",
    "AlarmRule",
    "ActionsSuppressor",
    "ActionsSuppressorWaitPeriod",
    "ActionsSuppressorExtensionPeriod",
)


def _normal(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"Name", "Value"}:
            return {"Name": value["Name"], "Value": value["Value"]}
        return {k: _normal(v) for k, v in sorted(value.items()) if v not in (None, "", [])}
    if isinstance(value, list):
        items = [_normal(v) for v in value]
        if items and all(isinstance(i, dict) and "Name" in i and "Value" in i for i in items):
            return sorted(items, key=lambda i: (i["Name"], i["Value"]))
        return items
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return value


def _metrics(queries: Any) -> Any:
    out = []
    for query in queries or []:
        item = dict(query)
        item.setdefault("ReturnData", True)
        out.append(_normal(item))
    return out


def differences(wanted: Mapping[str, Any], deployed: Mapping[str, Any]) -> list[str]:
    """The compared fields whose values differ (empty: identical)."""
    found: list[str] = []
    for key in COMPARED:
        left, right = wanted.get(key), deployed.get(key)
        if key == "Metrics":
            left, right = _metrics(left), _metrics(right)
        else:
            left, right = _normal(left), _normal(right)
        if key in ("AlarmActions", "OKActions"):
            left, right = sorted(left or []), sorted(right or [])
        if left in (None, "", []) and right in (None, "", []):
            continue
        if left != right:
            found.append(key)
    return found


def compare(wanted: Iterable[Mapping[str, Any]], deployed: Iterable[Mapping[str, Any]], prefix: str) -> Drift:
    """Compare generated alarm arguments with ``DescribeAlarms`` entries (names under ``prefix``)."""
    have = {a["AlarmName"]: a for a in deployed if str(a["AlarmName"]).startswith(prefix)}
    drift = Drift()
    names = set()
    for alarm in wanted:
        name = alarm["AlarmName"]
        names.add(name)
        if name not in have:
            drift.missing.append(name)
            continue
        fields = differences(alarm, have[name])
        if fields:
            drift.changed[name] = fields
        else:
            drift.same += 1
    drift.extra = sorted(set(have) - names)
    drift.missing.sort()
    return drift


def describe_all(client: Any, prefix: str, *, composite: bool = True) -> list[dict[str, Any]]:
    """Every alarm whose name starts with ``prefix`` (metric alarms, and composite ones unless
    the endpoint cannot list them)."""
    out: list[dict[str, Any]] = []
    args: dict[str, Any] = {"AlarmNamePrefix": prefix}
    if composite:
        args["AlarmTypes"] = ["MetricAlarm", "CompositeAlarm"]
    for page in client.get_paginator("describe_alarms").paginate(**args):
        out += page.get("MetricAlarms", []) + page.get("CompositeAlarms", [])
    return out
