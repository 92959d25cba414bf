"""What the embedded AWS adds to moto for alarms and faults (applied in its process only).

moto stores alarms but answers ``PutCompositeAlarm`` and ``DescribeAlarmHistory`` with 500
(docs/local.md). Here:

- ``PutCompositeAlarm`` goes through moto's own ``PutMetricAlarm`` handler, which already
  stores an ``AlarmRule`` and lists the alarm under ``CompositeAlarms``; its actions
  suppressor (``ActionsSuppressor`` and its two periods) is kept beside it;
- every state change (``SetAlarmState``, which the twin's evaluator calls) is kept as a
  ``StateUpdate`` history item, served by ``DescribeAlarmHistory`` with CloudWatch's fields;
- a new alarm starts in INSUFFICIENT_DATA, as in CloudWatch (moto starts it in OK);
- :func:`with_faults` wraps the WSGI application so that injected faults
  (``ops.local.faults``) reach the functions' AWS calls: DynamoDB throttling and an
  unreachable JWKS endpoint.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Callable, Iterable
from typing import Any

from ops.local.faults import FaultBoard

_history: list[dict[str, Any]] = []
_lock = threading.Lock()
MAX_HISTORY = 10_000
_SUPPRESSOR_PERIODS = ("ActionsSuppressorWaitPeriod", "ActionsSuppressorExtensionPeriod")


def apply() -> None:
    """Patch moto's CloudWatch (idempotent)."""
    from moto.cloudwatch.models import Alarm
    from moto.cloudwatch.responses import CloudWatchResponse

    if getattr(CloudWatchResponse, "_twin_alarms", False):
        return
    put_metric_alarm = CloudWatchResponse.put_metric_alarm

    def put_composite_alarm(self: Any) -> Any:
        # moto's PutMetricAlarm stores the rule; the actions suppressor is kept beside it, so
        # DescribeAlarms shows it (the twin's evaluator reads it from the model, not from here).
        result = put_metric_alarm(self)
        name = self._get_param("AlarmName")
        wait, extension = (self._get_param(k) for k in _SUPPRESSOR_PERIODS)
        for alarm in self.cloudwatch_backend.get_alarms_by_alarm_names([name]):
            alarm.actions_suppressor = self._get_param("ActionsSuppressor")
            alarm.actions_suppressor_wait_period = int(wait) if wait not in (None, "") else None
            alarm.actions_suppressor_extension_period = int(extension) if extension not in (None, "") else None
        return result

    CloudWatchResponse.put_composite_alarm = put_composite_alarm  # type: ignore[attr-defined]
    CloudWatchResponse.describe_alarm_history = _describe_alarm_history  # type: ignore[attr-defined]
    original_init = Alarm.__init__
    original_update = Alarm.update_state

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        self.state_value = "INSUFFICIENT_DATA"

    def update_state(self: Any, reason: str, reason_data: str, state_value: str) -> None:
        old_value, old_reason = self.state_value, self.state_reason
        original_update(self, reason, reason_data, state_value)
        if old_value == state_value:
            return
        data = {
            "version": "1.0",
            "oldState": {"stateValue": old_value, "stateReason": old_reason},
            "newState": {"stateValue": state_value, "stateReason": reason, "stateReasonData": _json(reason_data)},
        }
        item = {
            "AlarmName": self.name,
            "AlarmType": "CompositeAlarm" if self.rule else "MetricAlarm",
            "Timestamp": self.state_updated_timestamp,
            "HistoryItemType": "StateUpdate",
            "HistorySummary": f"Alarm updated from {old_value} to {state_value}",
            "HistoryData": json.dumps(data, separators=(",", ":")),
        }
        with _lock:
            _history.append(item)
            del _history[:-MAX_HISTORY]

    Alarm.__init__ = init  # type: ignore[method-assign]
    Alarm.update_state = update_state  # type: ignore[method-assign]
    CloudWatchResponse._twin_alarms = True  # type: ignore[attr-defined]


def _json(text: str | None) -> Any:
    try:
        return json.loads(text or "{}")
    except ValueError:
        return {}


def _moment(value: Any) -> dt.datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if isinstance(value, int | float):
        return dt.datetime.fromtimestamp(value, dt.UTC)
    return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def _describe_alarm_history(self: Any) -> Any:
    from moto.core.responses import ActionResult

    name = self._get_param("AlarmName")
    kind = self._get_param("HistoryItemType")
    types = self._get_param("AlarmTypes", []) or []
    start, end = _moment(self._get_param("StartDate")), _moment(self._get_param("EndDate"))
    limit = int(self._get_param("MaxRecords") or 100)
    newest_first = (self._get_param("ScanBy") or "TimestampDescending") == "TimestampDescending"
    with _lock:
        items = list(_history)
    chosen = [
        item
        for item in items
        if (not name or item["AlarmName"] == name)
        and (not kind or item["HistoryItemType"] == kind)
        and (not types or item["AlarmType"] in types)
        and (start is None or _moment(item["Timestamp"]) >= start)  # type: ignore[operator]
        and (end is None or _moment(item["Timestamp"]) <= end)  # type: ignore[operator]
    ]
    if newest_first:
        chosen.reverse()
    return ActionResult({"AlarmHistoryItems": chosen[:limit]})


_Wsgi = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def with_faults(app: _Wsgi, board: FaultBoard) -> _Wsgi:
    """``app`` answering as AWS would while a DynamoDB or signing-key fault is injected."""

    def serve(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        faults = board.current()
        if faults:
            target = str(environ.get("HTTP_X_AMZ_TARGET") or "")
            path = str(environ.get("PATH_INFO") or "")
            if target.startswith("DynamoDB_") and any(f.kind == "dependency-throttle" for f in faults):
                body = json.dumps(
                    {
                        "__type": "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
                        "message": "The level of configured provisioned throughput for the table was exceeded.",
                    }
                ).encode()
                start_response(
                    "400 Bad Request",
                    [("Content-Type", "application/x-amz-json-1.0"), ("Content-Length", str(len(body)))],
                )
                return [body]
            if path.endswith("/.well-known/jwks.json") and any(f.kind == "signing-keys-unavailable" for f in faults):
                body = b'{"message":"Service Unavailable"}'
                start_response(
                    "503 Service Unavailable",
                    [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
                )
                return [body]
        return app(environ, start_response)

    return serve
