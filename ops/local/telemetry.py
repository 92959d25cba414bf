"""What AWS records, recorded into the embedded AWS: CloudWatch metrics (AWS/ApiGateway,
AWS/Lambda, AWS/DynamoDB and the functions' EMF output), CloudWatch Logs per function and
X-Ray segments.

Producers (the gateway, the Lambda runtime, the X-Ray receiver) only append to buffers; one
background thread flushes them every second. Values with the same metric and dimensions in
one flush become one aggregated datum (``StatisticValues``), which is what CloudWatch keeps
anyway. moto cannot compute percentiles, so every millisecond-valued metric also keeps its
raw samples here for p50/p99.

Every value is also kept with its time for the last few hours (:class:`RecordedMetrics`): the
twin's alarm evaluator reads metrics from there, with exact percentiles. Times come from the
twin's clock (``ops.local.clock``), which may run faster than the wall clock.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import threading
import time
from collections import defaultdict, deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from alarms.evaluator import ScaledClock
from ops.local import emf
from ops.local.emf import Datum
from ops.local.recorded import RecordedMetrics

log = logging.getLogger("ops.local")

FLUSH_INTERVAL_S = 1.0
MAX_SAMPLES = 200_000
_MAX_LOG_EVENT = 256 * 1024 - 26
_METRICS_PER_CALL = 500
_LOG_EVENTS_PER_CALL = 5000
_SEGMENTS_PER_CALL = 50

_READS = {"GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems"}
_THROTTLES = {"ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded"}

MetricKey = tuple[str, str, tuple[tuple[str, str], ...]]


def _dims(dimensions: Mapping[str, str] | Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    items = dimensions.items() if isinstance(dimensions, Mapping) else dimensions
    return tuple(sorted((str(k), str(v)) for k, v in items))


@dataclass
class _Aggregate:
    unit: str
    timestamp_ms: float
    storage_resolution: int
    count: int = 0
    total: float = 0.0
    minimum: float = float("inf")
    maximum: float = float("-inf")

    def add(self, value: float) -> None:
        self.count += 1
        self.total += value
        self.minimum = min(self.minimum, value)
        self.maximum = max(self.maximum, value)


@dataclass
class _Buffers:
    metrics: dict[tuple[str, str, tuple[tuple[str, str], ...], str], _Aggregate] = field(default_factory=dict)
    logs: dict[tuple[str, str], list[tuple[int, str]]] = field(default_factory=lambda: defaultdict(list))
    segments: list[str] = field(default_factory=list)


class Telemetry:
    """The recorder. ``endpoint_url`` None keeps everything in memory (unit tests)."""

    def __init__(
        self,
        endpoint_url: str | None = None,
        flush_interval_s: float = FLUSH_INTERVAL_S,
        clock: ScaledClock | None = None,
    ) -> None:
        self._endpoint_url = endpoint_url
        self.clock = clock or ScaledClock(1.0)
        self.recorded = RecordedMetrics()
        self._interval = flush_interval_s
        self._lock = threading.Lock()
        self._flush_lock = threading.Lock()
        self._buffers = _Buffers()
        self._streams: set[tuple[str, str]] = set()
        self._samples: dict[MetricKey, deque[float]] = {}
        self._totals: dict[MetricKey, list[float]] = defaultdict(lambda: [0, 0.0])
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._clients: dict[str, Any] = {}
        self.failures = 0

    # -- producers ---------------------------------------------------------------------

    def metric(
        self,
        namespace: str,
        name: str,
        value: float,
        unit: str = "Count",
        dimensions: Mapping[str, str] | Iterable[tuple[str, str]] = (),
        timestamp_ms: float | None = None,
        storage_resolution: int = 60,
    ) -> None:
        """Record one value of a metric."""
        dims = _dims(dimensions)
        ts = self.clock.at((timestamp_ms or time.time() * 1000) / 1000) * 1000
        self.recorded.add(namespace, name, dims, ts / 1000, float(value))
        with self._lock:
            key = (namespace, name, dims, unit)
            aggregate = self._buffers.metrics.get(key)
            if aggregate is None:
                aggregate = self._buffers.metrics[key] = _Aggregate(unit, ts, storage_resolution)
            aggregate.add(float(value))
            total = self._totals[(namespace, name, dims)]
            total[0] += 1
            total[1] += float(value)
            if unit == "Milliseconds":
                samples = self._samples.get((namespace, name, dims))
                if samples is None:
                    samples = self._samples[(namespace, name, dims)] = deque(maxlen=MAX_SAMPLES)
                samples.append(float(value))

    def lambda_metric(self, function_name: str, name: str, value: float, unit: str) -> None:
        """An AWS/Lambda metric, per function and account-wide (as Lambda publishes both)."""
        self.metric("AWS/Lambda", name, value, unit, {"FunctionName": function_name})
        self.metric("AWS/Lambda", name, value, unit)

    def log(self, group: str, stream: str, message: str, timestamp_ms: float | None = None) -> None:
        """Append a log event to ``group``/``stream``; EMF documents also become metrics, as
        CloudWatch extracts them from Lambda log groups."""
        ts = int(timestamp_ms or time.time() * 1000)
        with self._lock:
            self._buffers.logs[(group, stream)].append((ts, message[:_MAX_LOG_EVENT]))
        for datum in emf.parse(message):
            self._datum(datum)

    def _datum(self, datum: Datum) -> None:
        self.metric(
            datum.namespace,
            datum.name,
            datum.value,
            datum.unit,
            datum.dimensions,
            datum.timestamp_ms or None,
            datum.storage_resolution,
        )

    def segment(self, document: str | dict[str, Any]) -> None:
        """An X-Ray segment document for PutTraceSegments."""
        text = document if isinstance(document, str) else json.dumps(document, separators=(",", ":"))
        with self._lock:
            self._buffers.segments.append(text)

    def dynamodb_calls(self, table_name: str, calls: Iterable[Mapping[str, Any]]) -> None:
        """AWS/DynamoDB metrics for the calls a function made (what the service reports)."""
        for call in calls:
            operation = str(call.get("operation"))
            error = call.get("error")
            per_op = {"TableName": table_name, "Operation": operation}
            if error in _THROTTLES:
                self.metric("AWS/DynamoDB", "ThrottledRequests", 1, "Count", per_op)
                kind = "ReadThrottleEvents" if operation in _READS else "WriteThrottleEvents"
                self.metric("AWS/DynamoDB", kind, 1, "Count", {"TableName": table_name})
                continue
            if error == "ConditionalCheckFailedException":
                self.metric("AWS/DynamoDB", "ConditionalCheckFailedRequests", 1, "Count", {"TableName": table_name})
            elif error == "TransactionCanceledException":
                self.metric("AWS/DynamoDB", "TransactionConflict", 1, "Count", {"TableName": table_name})
            elif error:
                self.metric("AWS/DynamoDB", "UserErrors", 1, "Count")
            if not error:
                self.metric(
                    "AWS/DynamoDB",
                    "SuccessfulRequestLatency",
                    float(call.get("latency_ms") or 0),
                    "Milliseconds",
                    per_op,
                )
            self._capacity(table_name, operation, call)

    def _capacity(self, table_name: str, operation: str, call: Mapping[str, Any]) -> None:
        name = "ConsumedReadCapacityUnits" if operation in _READS else "ConsumedWriteCapacityUnits"
        entries = call.get("capacity") or []
        if not entries:
            if operation.startswith("Transact"):
                # moto returns nothing for transactions; AWS charges two units per item.
                self.metric("AWS/DynamoDB", name, 2.0 * int(call.get("items") or 1), "Count", {"TableName": table_name})
            return
        for entry in entries:
            table_units = _units(entry.get("Table")) if entry.get("Table") else None
            indexes = entry.get("GlobalSecondaryIndexes") or {}
            if table_units is None:
                table_units = _units(entry) - sum(_units(v) for v in indexes.values())
            self.metric(
                "AWS/DynamoDB",
                name,
                max(0.0, table_units),
                "Count",
                {"TableName": entry.get("TableName") or table_name},
            )
            for index_name, index_units in indexes.items():
                self.metric(
                    "AWS/DynamoDB",
                    name,
                    _units(index_units),
                    "Count",
                    {"TableName": entry.get("TableName") or table_name, "GlobalSecondaryIndexName": index_name},
                )

    # -- readers -----------------------------------------------------------------------

    def samples(self, namespace: str, name: str, dimensions: Mapping[str, str] | None = None) -> list[float]:
        """Raw values of a millisecond metric (for percentiles)."""
        with self._lock:
            return list(self._samples.get((namespace, name, _dims(dimensions or {})), ()))

    def total(self, namespace: str, name: str, dimensions: Mapping[str, str] | None = None) -> tuple[int, float]:
        """(sample count, sum) of a metric since the start."""
        with self._lock:
            count, total = self._totals.get((namespace, name, _dims(dimensions or {})), (0, 0.0))
        return int(count), float(total)

    # -- flushing ----------------------------------------------------------------------

    def start(self) -> None:
        """Start flushing every ``flush_interval_s`` in a background thread."""
        if self._endpoint_url is None or self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="telemetry-flush", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            self.flush()

    def stop(self) -> None:
        """Flush what is left and stop the thread."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        self.flush()

    def flush(self) -> None:
        """Send everything buffered so far to the embedded AWS (no-op without one)."""
        if self._endpoint_url is None:
            return
        with self._flush_lock:
            with self._lock:
                buffers, self._buffers = self._buffers, _Buffers()
            self._guard("PutMetricData", self._put_metrics, buffers)
            self._guard("PutLogEvents", self._put_logs, buffers)
            self._guard("PutTraceSegments", self._put_segments, buffers)

    def _guard(self, what: str, send: Any, buffers: _Buffers) -> None:
        try:
            send(buffers)
        except Exception as error:
            self.failures += 1
            if self.failures <= 3:
                log.warning("could not record telemetry (%s): %s", what, error)

    def _client(self, service: str) -> Any:
        if service not in self._clients:
            from ops.local.provisioning import client

            assert self._endpoint_url is not None
            self._clients[service] = client(self._endpoint_url, service)
        return self._clients[service]

    def _put_metrics(self, buffers: _Buffers) -> None:
        by_namespace: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for (namespace, name, dims, unit), aggregate in buffers.metrics.items():
            by_namespace[namespace].append(
                {
                    "MetricName": name,
                    "Dimensions": [{"Name": k, "Value": v} for k, v in dims],
                    "Timestamp": aggregate.timestamp_ms / 1000,
                    "StatisticValues": {
                        "SampleCount": float(aggregate.count),
                        "Sum": aggregate.total,
                        "Minimum": aggregate.minimum,
                        "Maximum": aggregate.maximum,
                    },
                    "Unit": unit if unit in _UNITS else "None",
                    "StorageResolution": 1 if aggregate.storage_resolution == 1 else 60,
                }
            )
        cloudwatch = self._client("cloudwatch") if by_namespace else None
        for namespace, data in by_namespace.items():
            for start in range(0, len(data), _METRICS_PER_CALL):
                assert cloudwatch is not None
                cloudwatch.put_metric_data(Namespace=namespace, MetricData=data[start : start + _METRICS_PER_CALL])

    def _put_logs(self, buffers: _Buffers) -> None:
        if not buffers.logs:
            return
        logs = self._client("logs")
        for (group, stream), events in buffers.logs.items():
            if (group, stream) not in self._streams:
                with contextlib.suppress(logs.exceptions.ResourceAlreadyExistsException):
                    logs.create_log_stream(logGroupName=group, logStreamName=stream)
                self._streams.add((group, stream))
            events.sort(key=lambda e: e[0])
            for start in range(0, len(events), _LOG_EVENTS_PER_CALL):
                chunk = events[start : start + _LOG_EVENTS_PER_CALL]
                logs.put_log_events(
                    logGroupName=group,
                    logStreamName=stream,
                    logEvents=[{"timestamp": ts, "message": message} for ts, message in chunk],
                )

    def _put_segments(self, buffers: _Buffers) -> None:
        if not buffers.segments:
            return
        xray = self._client("xray")
        for start in range(0, len(buffers.segments), _SEGMENTS_PER_CALL):
            xray.put_trace_segments(TraceSegmentDocuments=buffers.segments[start : start + _SEGMENTS_PER_CALL])


def _units(value: Any) -> float:
    if not isinstance(value, Mapping):
        return 0.0
    if "CapacityUnits" in value:
        return float(value["CapacityUnits"])
    return float(value.get("ReadCapacityUnits", 0.0)) + float(value.get("WriteCapacityUnits", 0.0))


_UNITS = {
    "Seconds",
    "Microseconds",
    "Milliseconds",
    "Bytes",
    "Kilobytes",
    "Megabytes",
    "Gigabytes",
    "Terabytes",
    "Bits",
    "Kilobits",
    "Megabits",
    "Gigabits",
    "Terabits",
    "Percent",
    "Count",
    "Bytes/Second",
    "Kilobytes/Second",
    "Megabytes/Second",
    "Gigabytes/Second",
    "Terabytes/Second",
    "Bits/Second",
    "Kilobits/Second",
    "Megabits/Second",
    "Gigabits/Second",
    "Terabits/Second",
    "Count/Second",
    "None",
}


def percentile(values: list[float], q: float) -> float | None:
    """The ``q``-th percentile (0-100, nearest rank) of ``values``; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(q / 100 * len(ordered))))
    return ordered[rank - 1]
