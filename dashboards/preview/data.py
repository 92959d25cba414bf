"""The numbers behind a dashboard preview: every graph of a dashboard body, with its series
fetched from CloudWatch and its metric math evaluated locally.

The body's own metric arrays are read (not a second description of the graphs), so the
preview shows what the dashboard shows. ``SEARCH`` expressions are resolved through
``ListMetrics``; percentiles an emulator cannot compute are approximated (see
``kit.source``) and labelled as such.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kit.expressions import Evaluator, ExpressionError, Series, grid
from kit.metrics import MetricStat
from kit.source import CloudWatchSource, FetchResult

_SEARCH = re.compile(r"SEARCH\(\s*'([^']*)'\s*,\s*'([A-Za-z0-9.()%:]+)'\s*,\s*(\d+)\s*\)")
_SCHEMA = re.compile(r"^\{([^}]*)\}\s*(.*)$")
_FILTER = re.compile(r'([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*"([^"]*)"')


@dataclass
class Plotted:
    """One line of a graph: label, values, axis, and a note when approximated."""

    label: str
    series: Series
    axis: str = "left"
    note: str = ""


@dataclass
class GraphData:
    """A graph widget with its evaluated lines."""

    widget: dict[str, Any]
    start: int = 0
    end: int = 0
    lines: list[Plotted] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _metric_of(row: list[Any], previous: list[Any] | None, default_period: int) -> tuple[MetricStat, dict[str, Any]]:
    options = row[-1] if isinstance(row[-1], dict) else {}
    values = row[:-1] if isinstance(row[-1], dict) else row
    if previous is not None:
        values = [p if v == "." else v for v, p in zip(values, previous, strict=False)] + values[len(previous) :]
    dims = tuple((str(values[i]), str(values[i + 1])) for i in range(2, len(values) - 1, 2))
    metric = MetricStat(
        str(values[0]),
        str(values[1]),
        dims,
        str(options.get("stat", "Average")),
        int(options.get("period", default_period)),
        options.get("region"),
    )
    return metric, options


def _search_terms(expression: str) -> list[tuple[str, str, int]]:
    return [(query, stat, int(period)) for query, stat, period in _SEARCH.findall(expression)]


def parse_search(query: str) -> tuple[str, tuple[str, ...], dict[str, str]]:
    """``{Namespace,dim,...} key="value" ...`` as (namespace, dimension keys, filters)."""
    match = _SCHEMA.match(query.strip())
    if not match:
        raise ExpressionError(f"SEARCH query {query!r} has no {{Namespace,dimensions}} schema")
    schema = [part.strip() for part in match.group(1).split(",") if part.strip()]
    return schema[0], tuple(schema[1:]), dict(_FILTER.findall(match.group(2)))


class SearchResolver:
    """Resolves SEARCH queries to metrics with ``ListMetrics`` (exact dimension schema)."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self._cache: dict[str, list[tuple[str, tuple[tuple[str, str], ...]]]] = {}

    def metrics(self, query: str) -> list[tuple[str, tuple[tuple[str, str], ...]]]:
        """(metric name, dimensions) of every metric the query matches."""
        if query in self._cache:
            return self._cache[query]
        namespace, keys, filters = parse_search(query)
        args: dict[str, Any] = {"Namespace": namespace}
        if "MetricName" in filters:
            args["MetricName"] = filters["MetricName"]
        dims = [{"Name": k, "Value": v} for k, v in filters.items() if k != "MetricName"]
        if dims:
            args["Dimensions"] = dims
        found: set[tuple[str, tuple[tuple[str, str], ...]]] = set()
        for page in self._client.get_paginator("list_metrics").paginate(**args):
            for metric in page.get("Metrics", []):
                pairs = tuple(sorted((d["Name"], d["Value"]) for d in metric.get("Dimensions", [])))
                if {k for k, _ in pairs} == set(keys) and all(
                    dict(pairs).get(k) == v for k, v in filters.items() if k != "MetricName"
                ):
                    found.add((metric["MetricName"], pairs))
        self._cache[query] = sorted(found)
        return self._cache[query]


def _window(widget: dict[str, Any], end: dt.datetime, hours: float) -> tuple[dt.datetime, int | None]:
    """Start of a widget's range and, for ``setPeriodToTimeRange``, the range as one period."""
    props = widget["properties"]
    start = end - dt.timedelta(hours=hours)
    match = re.fullmatch(r"-P(\d+)D", str(props.get("start", "")))
    if match:
        start = end - dt.timedelta(days=int(match.group(1)))
    if props.get("setPeriodToTimeRange"):
        seconds = int((end - start).total_seconds())
        return start, max(60, seconds - seconds % 60)
    return start, None


BASE_PERIOD = 60


def _collapse(fetched: FetchResult, metric: MetricStat, start: int) -> Series:
    """``metric`` (fetched per minute) as one value for the whole range, at ``start``."""
    values = list(fetched.get(metric).values())
    if not values:
        return {}
    if metric.stat in ("Sum", "SampleCount"):
        return {start: sum(values)}
    if metric.stat == "Minimum":
        return {start: min(values)}
    if metric.stat == "Average":
        count = sum(fetched.get(metric.with_stat("SampleCount")).values())
        return {start: sum(fetched.get(metric.with_stat("Sum")).values()) / count} if count else {}
    return {start: max(values)}


def collect(
    body: dict[str, Any],
    client_for: Callable[[str | None], Any],
    *,
    end: dt.datetime,
    hours: float,
    on_progress: Callable[[int, int], None] | None = None,
) -> tuple[list[GraphData], FetchResult]:
    """Fetch and evaluate every metric widget of ``body`` over the ``hours`` before ``end``.

    A widget with ``setPeriodToTimeRange`` is fetched per minute and collapsed into one value
    for its whole range, so that its ``PERIOD()`` is the range, as in CloudWatch.
    """
    resolver = SearchResolver(client_for(None))
    plans: list[tuple[dict[str, Any], dt.datetime, int, bool, list[tuple[str, MetricStat | str, dict[str, Any]]]]] = []
    wanted: dict[dt.datetime, list[MetricStat]] = {}

    def want(start: dt.datetime, metric: MetricStat, whole: bool) -> None:
        bucket = wanted.setdefault(start, [])
        bucket.append(metric)
        if whole:
            bucket += [metric.with_stat("Sum"), metric.with_stat("SampleCount")]

    for widget in body["widgets"]:
        if widget.get("type") != "metric":
            continue
        props = widget["properties"]
        start, range_period = _window(widget, end, hours)
        whole = range_period is not None
        period = range_period or int(props.get("period", 300))
        rows: list[tuple[str, MetricStat | str, dict[str, Any]]] = []
        previous: list[Any] | None = None
        for index, row in enumerate(props.get("metrics", [])):
            options = row[-1] if isinstance(row[-1], dict) else {}
            row_id = str(options.get("id") or f"row{index}")
            if "expression" in options:
                expression = str(options["expression"])
                for query, stat, search_period in _search_terms(expression):
                    namespace = parse_search(query)[0]
                    for name, dims in resolver.metrics(query):
                        want(
                            start,
                            MetricStat(namespace, name, dims, stat, BASE_PERIOD if whole else search_period),
                            whole,
                        )
                rows.append((row_id, expression, options))
                continue
            metric, options = _metric_of(row, previous, period)
            previous = row[:-1] if isinstance(row[-1], dict) else row
            if whole:
                metric = metric.with_period(BASE_PERIOD)
            want(start, metric, whole)
            rows.append((row_id, metric, options))
        plans.append((widget, start, period, whole, rows))
    fetched = FetchResult()
    source = CloudWatchSource(client_for, on_progress=on_progress)
    for start, metrics in wanted.items():
        part = source.fetch(metrics, start, end)
        fetched.series.update(part.series)
        fetched.approximated.update(part.approximated)
        fetched.calls += part.calls
    graphs = [
        _evaluate(widget, start, end, period, whole, rows, fetched, resolver)
        for widget, start, period, whole, rows in plans
    ]
    return graphs, fetched


def _evaluate(
    widget: dict[str, Any],
    start: dt.datetime,
    end: dt.datetime,
    period: int,
    whole: bool,
    rows: list[tuple[str, MetricStat | str, dict[str, Any]]],
    fetched: FetchResult,
    resolver: SearchResolver,
) -> GraphData:
    origin = int(start.timestamp())
    timestamps = [origin] if whole else grid(origin, int(end.timestamp()), period)

    def series_of(metric: MetricStat) -> Series:
        return _collapse(fetched, metric, origin) if whole else fetched.get(metric)

    def search(query: str, stat: str, search_period: int) -> list[Series]:
        namespace = parse_search(query)[0]
        size = BASE_PERIOD if whole else search_period
        return [series_of(MetricStat(namespace, name, dims, stat, size)) for name, dims in resolver.metrics(query)]

    evaluator = Evaluator({}, timestamps, period, search)
    data = GraphData(widget, origin, int(end.timestamp()))
    for row_id, source, options in rows:
        note = ""
        if isinstance(source, MetricStat):
            series = series_of(source)
            note = fetched.approximated.get(source, "")
        else:
            try:
                series = evaluator.series_of(source)
            except ExpressionError as error:
                data.errors.append(f"{options.get('label') or row_id}: {error}")
                series = {}
        evaluator.series[row_id] = series
        if options.get("visible", True):
            label = str(options.get("label") or (source.name if isinstance(source, MetricStat) else row_id))
            if note:
                label = f"{label} (\u2248 {note.rsplit(' ', 1)[-1].lower()})"
            data.lines.append(Plotted(label, series, str(options.get("yAxis", "left")), note))
    return data
