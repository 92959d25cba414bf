"""Pull the stack's usage metrics from CloudWatch into the export format.

Discovery (``ListMetrics``) finds the series of the catalogue's metrics that belong to the
stack, plus every metric of the app's namespace; ``GetMetricData`` then fetches them in
batches of 500 queries. Only Sum, Average and Maximum are asked for (moto, the local twin's
CloudWatch, cannot compute percentiles).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pandas as pd
from infra.model import Stack

from ops.cost.catalogue import ACTIVE_USERS, WANTED, resource_of
from ops.cost.metrics_export import COLUMNS, empty_metrics, format_dimensions, validate_metrics

MAX_QUERIES_PER_CALL = 500
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class MetricQuery:
    """One series to fetch."""

    namespace: str
    metric: str
    dimensions: tuple[tuple[str, str], ...]
    statistic: str


@dataclass(frozen=True)
class AlarmCount:
    """Alarms by resolution (each alarm billed per metric it watches)."""

    standard: int
    high_resolution: int


def discover(client: Any, stack: Stack, *, pinned: bool | None = None) -> list[MetricQuery]:
    """The series of the stack's usage metrics that exist in CloudWatch: all of them, or with
    ``pinned`` True only those of metrics that live in a region of their own (CloudFront's),
    with ``pinned`` False only the others (and the app's)."""
    queries: list[MetricQuery] = []
    seen: set[MetricQuery] = set()

    def add(query: MetricQuery) -> None:
        if query not in seen:
            seen.add(query)
            queries.append(query)

    for entry in WANTED:
        if pinned is not None and (entry.region is not None) != pinned:
            continue
        for metric in _list_metrics(client, Namespace=entry.namespace, MetricName=entry.metric):
            dimensions = {d["Name"]: d["Value"] for d in metric.get("Dimensions", [])}
            if resource_of(entry, dimensions, stack) is not None:
                add(MetricQuery(entry.namespace, entry.metric, tuple(sorted(dimensions.items())), entry.statistic))
    for metric in _list_metrics(client, Namespace=stack.metrics_namespace) if not pinned else ():
        pairs = tuple(sorted((d["Name"], d["Value"]) for d in metric.get("Dimensions", [])))
        name = metric["MetricName"]
        statistic = "Maximum" if name == ACTIVE_USERS else "Sum"
        add(MetricQuery(stack.metrics_namespace, name, pairs, statistic))
    return queries


def fetch(
    client: Any,
    queries: list[MetricQuery],
    start: dt.datetime,
    end: dt.datetime,
    period: int = 3600,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Datapoints of ``queries`` between ``start`` and ``end``, in the export format."""
    columns: dict[str, list[Any]] = {name: [] for name in COLUMNS}
    done = 0
    if progress:
        progress(0, len(queries))
    for offset in range(0, len(queries), MAX_QUERIES_PER_CALL):
        batch = queries[offset : offset + MAX_QUERIES_PER_CALL]
        request = [
            {
                "Id": f"q{index}",
                "MetricStat": {
                    "Metric": {
                        "Namespace": query.namespace,
                        "MetricName": query.metric,
                        "Dimensions": [{"Name": name, "Value": value} for name, value in query.dimensions],
                    },
                    "Period": period,
                    "Stat": query.statistic,
                },
                "ReturnData": True,
            }
            for index, query in enumerate(batch)
        ]
        for page in client.get_paginator("get_metric_data").paginate(
            MetricDataQueries=request, StartTime=start, EndTime=end, ScanBy="TimestampAscending"
        ):
            for result in page.get("MetricDataResults", []):
                query = batch[int(result["Id"][1:])]
                stamps = result.get("Timestamps", [])
                columns["timestamp"].extend(stamps)
                columns["value"].extend(result.get("Values", []))
                count = len(stamps)
                columns["namespace"].extend([query.namespace] * count)
                columns["metric"].extend([query.metric] * count)
                columns["dimensions"].extend([format_dimensions(dict(query.dimensions))] * count)
                columns["statistic"].extend([query.statistic] * count)
                columns["period"].extend([period] * count)
        done += len(batch)
        if progress:
            progress(done, len(queries))
    if not columns["timestamp"]:
        return empty_metrics()
    frame = pd.DataFrame(columns)
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True)
    return validate_metrics(frame, "CloudWatch")


def pull_metrics(
    client: Any,
    stack: Stack,
    days: int,
    period: int = 3600,
    now: dt.datetime | None = None,
    progress: Progress | None = None,
    us_east_1_client: Any = None,
) -> tuple[pd.DataFrame, dt.datetime, dt.datetime]:
    """Discover and fetch the last ``days`` days of the stack's usage metrics.

    ``us_east_1_client`` reads the metrics that exist only in us-east-1 (the web distribution's)
    when ``client`` is in another region; None: ``client`` reads everything.

    Returns the datapoints (export format) and the window's start and end, aligned to
    whole periods (the last one may still be in progress).
    """
    # The window ends at the next period boundary, so what was recorded a moment ago (the
    # demo's traffic, the current hour) is counted; at most one period of the window is partial.
    moment = now or dt.datetime.now(dt.UTC)
    end = _floor(moment, period)
    if end < moment:
        end += dt.timedelta(seconds=period)
    start = end - dt.timedelta(days=days)
    if us_east_1_client is None:
        return fetch(client, discover(client, stack), start, end, period, progress), start, end
    frames = [
        fetch(client, discover(client, stack, pinned=False), start, end, period, progress),
        fetch(us_east_1_client, discover(us_east_1_client, stack, pinned=True), start, end, period, progress),
    ]
    present = [frame for frame in frames if len(frame)]
    if not present:
        return empty_metrics(), start, end
    return validate_metrics(pd.concat(present, ignore_index=True), "CloudWatch"), start, end


def count_dashboards(client: Any) -> int:
    """Dashboards in the account and region."""
    return sum(len(page.get("DashboardEntries", [])) for page in client.get_paginator("list_dashboards").paginate())


def count_alarms(client: Any) -> AlarmCount:
    """Metric alarms by resolution; an alarm on metric math counts each metric it reads."""
    standard = high = 0
    for page in client.get_paginator("describe_alarms").paginate(AlarmTypes=["MetricAlarm"]):
        for alarm in page.get("MetricAlarms", []):
            metrics = [m for m in alarm.get("Metrics", []) if "MetricStat" in m]
            periods = [m["MetricStat"].get("Period", 60) for m in metrics] or [alarm.get("Period", 60)]
            weight = max(1, len(metrics))
            if min(periods) < 60:
                high += weight
            else:
                standard += weight
    return AlarmCount(standard, high)


def _list_metrics(client: Any, **kwargs: Any) -> Iterator[dict[str, Any]]:
    for page in client.get_paginator("list_metrics").paginate(**kwargs):
        yield from page.get("Metrics", [])


def _floor(moment: dt.datetime, period: int) -> dt.datetime:
    seconds = int(moment.timestamp())
    return dt.datetime.fromtimestamp(seconds - seconds % period, tz=dt.UTC)
