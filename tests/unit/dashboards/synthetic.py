"""Synthetic metrics for previews and backtests: a few hours of per-minute data for every
metric a dashboard body reads, put into a CloudWatch endpoint (moto's server)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from typing import Any

from infra.model import Stack

from kit.metrics import BUSINESS_METRICS, MetricStat
from kit.target import Target

_CHUNK = 1000


def body_metrics(body: dict[str, Any]) -> list[MetricStat]:
    """Every metric row of every metric widget (namespace, name, dimensions)."""
    found: dict[tuple[str, str, tuple[tuple[str, str], ...]], MetricStat] = {}
    for widget in body["widgets"]:
        if widget["type"] != "metric":
            continue
        for row in widget["properties"]["metrics"]:
            values = row[:-1] if isinstance(row[-1], dict) else row
            if len(values) < 2:
                continue
            dims = tuple((values[i], values[i + 1]) for i in range(2, len(values) - 1, 2))
            found.setdefault((values[0], values[1], dims), MetricStat(values[0], values[1], dims))
    return list(found.values())


# Which service emits which business metric (platform/backend, `metrics.add_metric`). Fan-out
# metrics come from every push (services/realtime.py `record`); MessagesDelivered only from a
# message's fan-out, which the call function never does.
_FANOUT = ("FanoutDeliveries", "FanoutFailures", "FanoutLatency", "StaleConnectionsRemoved")
_APP_FAILURES = ("DependencyErrors", "DependencyThrottles", "RateLimited")
EMITTERS = {
    "auth": ("UsersRegistered", "Logins", "LoginFailures", *_APP_FAILURES),
    "chat": (
        "MessagesSent",
        "DuplicateSends",
        "ConversationsCreated",
        "MessagesDelivered",
        *_FANOUT,
        *_APP_FAILURES,
    ),
    # Uploads run in a function of their own (no fan-out, no messages).
    "uploads": ("UploadsRequested", *_APP_FAILURES),
    "websocket": (
        "MessagesSent",
        "DuplicateSends",
        "MessagesDelivered",
        *_FANOUT,
        "ConnectionsOpened",
        "ConnectionsClosed",
        "ConnectsRefused",
        "AuthKeysUnavailable",
        "FramesRefused",
        *_APP_FAILURES,
    ),
    "call": ("CallsStarted", "CallsAnswered", "CallsMissed", "CallsDeclined", "CallDuration", *_FANOUT, *_APP_FAILURES),
    "canary": ("CanaryRestSuccess", "CanaryRestLatency", "CanaryWebSocketSuccess", "CanaryWebSocketLatency"),
}


def business(stack: Stack) -> list[MetricStat]:
    """The business metrics the backend's services emit, plus warm-up pings everywhere."""
    out = []
    for function in stack.functions:
        names = (*EMITTERS.get(function.name, ()), "WarmupPings", "WarmupColdStarts")
        out += [MetricStat(stack.metrics_namespace, name, (("service", function.name),)) for name in names]
    assert all(n in BUSINESS_METRICS for names in EMITTERS.values() for n in names)
    return out


def _shape(name: str, minute: int) -> tuple[float, float, float, float]:
    """(samples, sum, minimum, maximum) of one minute: a daily-ish wave with a spike."""
    wave = 1 + 0.5 * math.sin(minute / 17)
    spike = 4.0 if 95 <= minute % 180 <= 100 else 1.0
    if name in ("Duration", "Latency", "IntegrationLatency", "FanoutLatency", "SuccessfulRequestLatency"):
        count = 20 * wave
        average = 120 * wave * spike
        return count, count * average, average / 3, average * 4
    if name in ("ConcurrentExecutions",):
        return 1, 5 * wave * spike, 1, 5 * wave * spike
    if name.endswith(("Error", "Errors", "Throttles", "Failures", "Failed")) or "Throttle" in name:
        value = (0.4 if spike > 1 else 0.0) * wave
        return 20 * wave, value * 20, 0.0, 1.0 if value else 0.0
    count = 20 * wave
    return count, count, 1.0, 1.0


def put(client: Any, metrics: Iterable[MetricStat], *, end: dt.datetime, minutes: int = 180) -> int:
    """Put ``minutes`` of per-minute data before ``end`` for each metric; returns datums put."""
    by_namespace: dict[str, list[dict[str, Any]]] = {}
    for metric in metrics:
        for minute in range(minutes):
            samples, total, low, high = _shape(metric.name, minute)
            by_namespace.setdefault(metric.namespace, []).append(
                {
                    "MetricName": metric.name,
                    "Dimensions": [{"Name": k, "Value": v} for k, v in metric.dimensions],
                    "Timestamp": end - dt.timedelta(minutes=minutes - minute),
                    "StatisticValues": {"SampleCount": samples, "Sum": total, "Minimum": low, "Maximum": high},
                }
            )
    count = 0
    for namespace, data in by_namespace.items():
        for start in range(0, len(data), _CHUNK):
            client.put_metric_data(Namespace=namespace, MetricData=data[start : start + _CHUNK])
            count += len(data[start : start + _CHUNK])
    return count


def concrete_target(stack: Stack, stage: str = "dev") -> Target:
    """A deployed-looking target with fixed names (what a twin or an account would give)."""
    prefix = f"{stack.name}-{stage}"
    return Target(
        prefix=prefix,
        stage=stage,
        region="us-east-1",
        account_id="123456789012",
        function_names={f.name: f"{prefix}-{f.name}" for f in stack.functions},
        rest_api_name=f"{prefix}-rest",
        rest_stage=stack.rest_api.stage,
        websocket_api_id="a1b2c3d4e5",
        websocket_stage=stack.websocket_api.stage,
        table_name=f"{prefix}-chattable",
        bucket_name=f"{prefix}-media",
        user_pool_id="us-east-1_TestPool1",
        user_pool_client_id="client123",
        alarm_topic_arn=f"arn:aws:sns:us-east-1:123456789012:{prefix}-alarms",
        alarm_topic_name=f"{prefix}-alarms",
    )
