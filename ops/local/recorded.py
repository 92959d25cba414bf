"""Every metric value the twin recorded, with its time: the twin's alarms read them here.

moto keeps metric data but cannot compute percentiles (its ``GetMetricData`` answers 500 and
``GetMetricStatistics`` drops them), so the twin keeps the raw values of the last
``retention_s`` seconds (of the twin's clock) itself and computes every statistic exactly,
percentiles included, per CloudWatch's epoch-aligned periods.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import threading
from collections.abc import Sequence

from kit.metrics import MetricStat
from kit.source import FetchResult

Key = tuple[str, str, tuple[tuple[str, str], ...]]
RETENTION_S = 6 * 3600
MAX_VALUES_PER_METRIC = 500_000
# Values arrive nearly in time order (an EMF document may carry a time a little before the
# values recorded around it): reads look this far before their start.
_DISORDER_S = 120.0


def statistic(values: Sequence[float], stat: str) -> float | None:
    """CloudWatch statistic ``stat`` of ``values`` (``Sum``, ``p99``, ``p99.9``...)."""
    if not values:
        return None
    if stat == "Sum":
        return float(sum(values))
    if stat == "SampleCount":
        return float(len(values))
    if stat == "Average":
        return sum(values) / len(values)
    if stat == "Minimum":
        return min(values)
    if stat == "Maximum":
        return max(values)
    lowered = stat.lower()
    if lowered.startswith("p"):
        level = float(lowered[1:])
        ordered = sorted(values)
        rank = max(1, min(len(ordered), math.ceil(level / 100 * len(ordered))))
        return ordered[rank - 1]
    if lowered.startswith("tm") and "(" not in lowered:
        # Trimmed mean of the lowest ``level`` percent.
        level = float(lowered[2:])
        ordered = sorted(values)
        kept = ordered[: max(1, math.ceil(level / 100 * len(ordered)))]
        return sum(kept) / len(kept)
    raise ValueError(f"statistic {stat!r} is not supported by the twin")


class RecordedMetrics:
    """Time-stamped values per metric; a metrics source for ``alarms.evaluator``."""

    def __init__(self, retention_s: float = RETENTION_S) -> None:
        self._retention = retention_s
        self._lock = threading.Lock()
        # Per metric: times (for bisect) and values, in arrival order.
        self._values: dict[Key, tuple[list[float], list[float]]] = {}

    def add(self, namespace: str, name: str, dims: tuple[tuple[str, str], ...], ts: float, value: float) -> None:
        """Record ``value`` of a metric at ``ts`` (epoch seconds of the twin's clock)."""
        key = (namespace, name, dims)
        with self._lock:
            times, values = self._values.setdefault(key, ([], []))
            times.append(ts)
            values.append(value)
            if len(times) > MAX_VALUES_PER_METRIC or times[0] < ts - self._retention - _DISORDER_S:
                cut = max(len(times) - MAX_VALUES_PER_METRIC, bisect.bisect_left(times, ts - self._retention))
                del times[:cut], values[:cut]

    def values(self, metric: MetricStat, start: float, end: float) -> list[tuple[float, float]]:
        """``(time, value)`` of ``metric`` in ``[start, end)``."""
        key = (metric.namespace, metric.name, tuple(sorted(metric.dimensions)))
        with self._lock:
            found = self._values.get(key)
            if found is None:
                return []
            times, values = found
            first = bisect.bisect_left(times, start - _DISORDER_S)
            chosen = list(zip(times[first:], values[first:], strict=True))
        return [(ts, v) for ts, v in chosen if start <= ts < end]

    def fetch(self, metrics: Sequence[MetricStat], start: dt.datetime, end: dt.datetime) -> FetchResult:
        """Every statistic of ``metrics`` over ``[start, end)``, per period, exactly."""
        low, high = start.timestamp(), end.timestamp()
        result = FetchResult()
        for metric in dict.fromkeys(metrics):
            buckets: dict[int, list[float]] = {}
            for ts, value in self.values(metric, low, high):
                buckets.setdefault(int(ts) - int(ts) % metric.period, []).append(value)
            series: dict[int, float] = {}
            for bucket, values in buckets.items():
                computed = statistic(values, metric.stat)
                if computed is not None:
                    series[bucket] = computed
            result.series[metric] = series
        return result
