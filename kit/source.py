"""Reading recorded metrics back from CloudWatch (AWS or the local twin's emulator).

``CloudWatchSource.fetch`` takes the ``MetricStat``s an alarm or a dashboard needs and returns
one series per statistic. It uses ``GetMetricStatistics``, one call per metric and time chunk
(at most 1,440 periods a call) for all the statistics of that metric at once, because it is
what both AWS and moto answer efficiently.

Percentiles: AWS returns them (``ExtendedStatistics``); moto silently drops them. A percentile
that comes back empty while the metric has data is approximated (``p50`` by the average, higher
percentiles by the maximum: an upper bound) and reported in ``FetchResult.approximated``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from kit.expressions import Series
from kit.metrics import SIMPLE_STATS, MetricStat

MAX_PERIODS_PER_CALL = 1440
_MetricKey = tuple[str, str, tuple[tuple[str, str], ...], str | None]
_Job = tuple[_MetricKey, int, tuple[str, ...], dt.datetime, dt.datetime]


@dataclass
class FetchResult:
    """One series per requested metric statistic, and which ones are approximations."""

    series: dict[MetricStat, Series] = field(default_factory=dict)
    approximated: dict[MetricStat, str] = field(default_factory=dict)
    calls: int = 0

    def get(self, metric: MetricStat) -> Series:
        """The series of ``metric`` (empty when nothing was recorded)."""
        return self.series.get(metric, {})


def _epoch(moment: Any) -> int:
    if isinstance(moment, dt.datetime):
        return int(moment.timestamp())
    return int(moment)


def _merge(stat: str, old: float, new: float) -> float:
    # moto's buckets start at the first datum, not on period boundaries: two of them can land
    # in one aligned period.
    if stat in ("Sum", "SampleCount"):
        return old + new
    if stat == "Minimum":
        return min(old, new)
    if stat == "Average":
        return (old + new) / 2
    return max(old, new)


def approximation(stat: str) -> str:
    """The simple statistic that stands in for percentile ``stat`` where percentiles are missing."""
    try:
        level = float(stat.lstrip("ptmwcsPTMWCS(").rstrip(")").split(":")[0])
    except ValueError:
        level = 99.0
    return "Average" if level <= 50 else "Maximum"


_BASE_STATS = ("SampleCount", "Sum", "Minimum", "Maximum")


def rollup(base: dict[str, Series], stat: str, period: int) -> Series:
    """``stat`` over ``period`` from per-base-period SampleCount/Sum/Minimum/Maximum series
    (CloudWatch's epoch-aligned periods)."""
    buckets: dict[int, list[int]] = {}
    for ts in base.get("SampleCount", {}):
        buckets.setdefault(ts - ts % period, []).append(ts)
    out: Series = {}
    for bucket, members in buckets.items():
        if stat == "Average":
            count = sum(base["SampleCount"][ts] for ts in members)
            if count:
                out[bucket] = sum(base["Sum"].get(ts, 0.0) for ts in members) / count
        elif stat in ("Sum", "SampleCount"):
            out[bucket] = sum(base[stat].get(ts, 0.0) for ts in members)
        elif stat == "Minimum":
            out[bucket] = min(base[stat][ts] for ts in members if ts in base[stat])
        elif stat == "Maximum":
            out[bucket] = max(base[stat][ts] for ts in members if ts in base[stat])
    return out


class CloudWatchSource:
    """Metrics from a CloudWatch endpoint.

    One call per metric (and time chunk) fetches SampleCount, Sum, Minimum and Maximum at the
    smallest period asked for that metric; every other period and simple statistic is rolled
    up from them locally (exactly as CloudWatch aggregates). Percentiles cannot be rolled up:
    they are asked for at their own period. ``client_for(region)`` returns a CloudWatch client
    (``region`` None: the default one); ``on_progress(done, total)`` follows the calls.
    """

    def __init__(
        self,
        client_for: Callable[[str | None], Any],
        *,
        max_workers: int = 8,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> None:
        self._client_for = client_for
        self._max_workers = max_workers
        self._on_progress = on_progress or (lambda done, total: None)

    def fetch(self, metrics: Sequence[MetricStat], start: dt.datetime, end: dt.datetime) -> FetchResult:
        """Every statistic of ``metrics`` from ``start`` to ``end``."""
        groups: dict[_MetricKey, list[MetricStat]] = {}
        for metric in dict.fromkeys(metrics):
            groups.setdefault((metric.namespace, metric.name, metric.dimensions, metric.region), []).append(metric)
        base_jobs: list[_Job] = []
        for key, wanted in sorted(groups.items(), key=lambda item: repr(item[0])):
            base_jobs += _chunked(key, min(m.period for m in wanted), _BASE_STATS, start, end)
        answers: dict[tuple[_MetricKey, int, str], Series] = {}
        self._run(base_jobs, answers, len(base_jobs))
        percentile_jobs: list[_Job] = []
        for key, wanted in sorted(groups.items(), key=lambda item: repr(item[0])):
            if not answers.get((key, min(m.period for m in wanted), "SampleCount")):
                continue  # no data at all: nothing to ask percentiles of
            for period in sorted({m.period for m in wanted if m.is_percentile}):
                stats = tuple(sorted({m.stat for m in wanted if m.is_percentile and m.period == period}))
                percentile_jobs += _chunked(key, period, stats, start, end)
        calls = len(base_jobs)
        if percentile_jobs:
            # One call tells whether the endpoint computes percentiles at all (moto does not);
            # without them every percentile is approximated and the other calls are skipped.
            probe = percentile_jobs[0]
            calls += 1
            if self._answer(probe, self._call(*probe), answers):
                self._run(percentile_jobs[1:], answers, len(percentile_jobs) - 1)
                calls += len(percentile_jobs) - 1
        result = FetchResult(calls=calls)
        for key, wanted in groups.items():
            base_period = min(m.period for m in wanted)
            base = {stat: answers.get((key, base_period, stat), {}) for stat in _BASE_STATS}
            for metric in wanted:
                if not metric.is_percentile:
                    result.series[metric] = rollup(base, metric.stat, metric.period)
                    continue
                series = answers.get((key, metric.period, metric.stat), {})
                if not series and base["SampleCount"]:
                    stand_in = approximation(metric.stat)
                    series = rollup(base, stand_in, metric.period)
                    result.approximated[metric] = f"{metric.stat} approximated by {stand_in}"
                result.series[metric] = series
        return result

    def _run(self, jobs: list[_Job], answers: dict[tuple[_MetricKey, int, str], Series], total: int) -> None:
        done = 0
        with ThreadPoolExecutor(max_workers=self._max_workers) as pool:
            for job, datapoints in zip(jobs, pool.map(lambda job: self._call(*job), jobs), strict=True):
                self._answer(job, datapoints, answers)
                done += 1
                self._on_progress(done, total)

    @staticmethod
    def _answer(
        job: _Job, datapoints: list[dict[str, Any]], answers: dict[tuple[_MetricKey, int, str], Series]
    ) -> bool:
        """File ``datapoints`` under their statistics; True when any value was present."""
        key, period, stats, _, _ = job
        found = False
        for stat in stats:
            series = answers.setdefault((key, period, stat), {})
            for point in datapoints:
                value = point.get(stat, (point.get("ExtendedStatistics") or {}).get(stat))
                if value is None:
                    continue
                found = True
                ts = _epoch(point["Timestamp"])
                ts -= ts % period
                series[ts] = _merge(stat, series[ts], float(value)) if ts in series else float(value)
        return found

    def _call(
        self, key: _MetricKey, period: int, stats: tuple[str, ...], start: dt.datetime, end: dt.datetime
    ) -> list[dict[str, Any]]:
        namespace, name, dimensions, region = key
        args: dict[str, Any] = {
            "Namespace": namespace,
            "MetricName": name,
            "Dimensions": [{"Name": k, "Value": v} for k, v in dimensions],
            "StartTime": start,
            "EndTime": end,
            "Period": period,
        }
        simple = [s for s in stats if s in SIMPLE_STATS]
        extended = [s for s in stats if s not in SIMPLE_STATS]
        if simple:
            args["Statistics"] = simple
        if extended:
            args["ExtendedStatistics"] = extended
        response = self._client_for(region).get_metric_statistics(**args)
        return list(response.get("Datapoints") or [])


def _chunked(key: _MetricKey, period: int, stats: tuple[str, ...], start: dt.datetime, end: dt.datetime) -> list[_Job]:
    jobs: list[_Job] = []
    step = dt.timedelta(seconds=period * MAX_PERIODS_PER_CALL)
    lower = _aligned(start, period)
    while lower < end:
        upper = min(end, lower + step)
        jobs.append((key, period, stats, lower, upper))
        lower = upper
    return jobs


def _aligned(moment: dt.datetime, period: int) -> dt.datetime:
    epoch = int(moment.timestamp())
    return dt.datetime.fromtimestamp(epoch - epoch % period, tz=dt.UTC)


class StaticSource:
    """Metrics from memory (tests, synthetic backtests): ``{MetricStat: series}``."""

    def __init__(self, series: dict[MetricStat, Series]) -> None:
        self._series = series

    def fetch(self, metrics: Sequence[MetricStat], start: dt.datetime, end: dt.datetime) -> FetchResult:
        """The stored series of ``metrics``, cut to ``[start, end)``."""
        low, high = int(start.timestamp()), int(end.timestamp())
        return FetchResult(
            series={m: {t: v for t, v in self._series.get(m, {}).items() if low <= t < high} for m in metrics}
        )
