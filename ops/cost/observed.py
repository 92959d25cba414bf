"""What the stack used over a metrics window: totals per function, API, table and bucket.

Reads a :class:`~ops.cost.series.MetricSummary` (from an export or a CloudWatch pull) with the
catalogue's rules; everything here is a total over the window, not yet per user or per month.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from infra.model import Stack

from ops.cost.catalogue import (
    ACTIVE_USERS,
    CONNECTION_MINUTES,
    INDEXED_BYTES,
    STORED_BYTES,
    UPLOAD_BYTES,
    WARMUP_PINGS,
    WantedMetric,
    resource_of,
    wanted,
)
from ops.cost.series import HOUR, MetricSummary, Series

# Powertools' EMF dimension that names the function (POWERTOOLS_SERVICE_NAME in the model).
SERVICE_DIMENSION = "service"


@dataclass(frozen=True)
class FunctionTraffic:
    """One function's invocations, warm-up pings and total duration over the window."""

    name: str
    invocations: float = 0.0
    warmup_pings: float = 0.0
    duration_ms: float = 0.0

    @property
    def user_invocations(self) -> float:
        """Invocations caused by users: warm-up pings do not grow with users."""
        return max(0.0, self.invocations - self.warmup_pings)

    @property
    def average_duration_ms(self) -> float:
        """Mean duration of one invocation (0 with no invocations)."""
        return self.duration_ms / self.invocations if self.invocations else 0.0


@dataclass(frozen=True)
class ObservedUsage:
    """Totals over ``window_hours`` for the stack's resources, and what could not be measured."""

    window_hours: float
    functions: Mapping[str, FunctionTraffic]
    rest_requests: float = 0.0
    websocket_messages: float = 0.0
    websocket_connects: float = 0.0
    websocket_connection_minutes: float | None = None
    dynamodb_write_units: float = 0.0
    # Writes of the table itself (its local secondary indexes included): what PITR backs up.
    dynamodb_table_write_units: float = 0.0
    dynamodb_read_units: float = 0.0
    # Bytes the store wrote to the table (with its LSIs) and to its GSIs (StoredBytes,
    # IndexedBytes); None when the app does not publish them.
    dynamodb_stored_bytes: float | None = None
    dynamodb_indexed_bytes: float | None = None
    # Sizes declared by upload requests (an upper bound of S3 growth without BucketSizeBytes).
    s3_upload_bytes: float | None = None
    s3_storage_growth_bytes: float | None = None
    s3_put_requests: float = 0.0
    s3_get_requests: float = 0.0
    s3_bytes_downloaded: float = 0.0
    # The web distribution's requests and bytes sent to viewers (AWS/CloudFront).
    web_requests: float = 0.0
    web_bytes_downloaded: float = 0.0
    logs_ingested_bytes: float | None = None
    active_users: float | None = None
    custom_metrics: int = 0
    notes: tuple[str, ...] = field(default_factory=tuple)


def observe(summary: MetricSummary, stack: Stack, window_hours: float | None = None) -> ObservedUsage:
    """Read the stack's usage out of ``summary``.

    Functions come from ``stack.functions`` (a function with no metrics gets zero traffic);
    series of resources the stack does not have are ignored. ``window_hours`` is the time
    the data covers when known (a CloudWatch pull of N days); otherwise the span of its
    timestamps, which misses quiet hours at either end, since CloudWatch stores no
    datapoint for a period without traffic.
    """
    notes: list[str] = []
    window = window_hours if window_hours is not None else summary.window_hours
    invocations = _by_resource(summary, wanted("lambda.invocations"), stack)
    durations = _durations(summary, stack)
    warmups = _warmup_pings(summary, stack)
    functions = {
        f.name: FunctionTraffic(
            name=f.name,
            invocations=invocations.get(f.name, 0.0),
            warmup_pings=warmups.get(f.name, 0.0),
            duration_ms=durations.get(f.name, 0.0),
        )
        for f in stack.functions
    }
    for name, traffic in functions.items():
        if traffic.invocations == 0:
            notes.append(f"no Invocations for function {name!r} in the data: it is projected with no traffic")

    logs = _by_resource(summary, wanted("logs.incoming_bytes"), stack)
    app_series = summary.in_namespace(stack.metrics_namespace)
    return ObservedUsage(
        window_hours=window,
        functions=functions,
        rest_requests=_total(summary, stack, "apigateway.rest_requests"),
        websocket_messages=_total(summary, stack, "apigateway.websocket_messages"),
        websocket_connects=_total(summary, stack, "apigateway.websocket_connects"),
        websocket_connection_minutes=_app_total(app_series, CONNECTION_MINUTES),
        dynamodb_write_units=_total(summary, stack, "dynamodb.write_units"),
        dynamodb_table_write_units=_table_only(summary, stack, "dynamodb.write_units"),
        dynamodb_read_units=_total(summary, stack, "dynamodb.read_units"),
        dynamodb_stored_bytes=_app_total(app_series, STORED_BYTES),
        dynamodb_indexed_bytes=_app_total(app_series, INDEXED_BYTES),
        s3_upload_bytes=_app_total(app_series, UPLOAD_BYTES),
        s3_storage_growth_bytes=_storage_growth(summary, stack, window, notes),
        s3_put_requests=_largest_filter(summary, stack, "s3.put_requests"),
        s3_get_requests=_largest_filter(summary, stack, "s3.get_requests"),
        s3_bytes_downloaded=_largest_filter(summary, stack, "s3.bytes_downloaded"),
        web_requests=_total(summary, stack, "cloudfront.requests"),
        web_bytes_downloaded=_total(summary, stack, "cloudfront.bytes_downloaded"),
        logs_ingested_bytes=sum(logs.values()) if logs else None,
        active_users=_active_users(app_series),
        custom_metrics=len({(s.metric, tuple(sorted(s.dimensions.items()))) for s in app_series}),
        notes=tuple(notes),
    )


def _matching(summary: MetricSummary, entry: WantedMetric, stack: Stack) -> dict[str, list[Series]]:
    found: dict[str, list[Series]] = defaultdict(list)
    for series in summary.find(entry.namespace, entry.metric, entry.statistic):
        resource = resource_of(entry, series.dimensions, stack)
        if resource is not None:
            found[resource].append(series)
    return found


def _chosen(entry: WantedMetric, candidates: list[Series]) -> list[Series]:
    if entry.combine == "all":
        return candidates
    for dimension_set in entry.dimension_sets:
        chosen = [s for s in candidates if s.dimension_names == dimension_set]
        if chosen:
            return chosen
    return []


def _by_resource(summary: MetricSummary, entry: WantedMetric, stack: Stack) -> dict[str, float]:
    return {
        resource: sum(s.total for s in _chosen(entry, candidates))
        for resource, candidates in _matching(summary, entry, stack).items()
    }


def _total(summary: MetricSummary, stack: Stack, key: str) -> float:
    return sum(_by_resource(summary, wanted(key), stack).values())


def _table_only(summary: MetricSummary, stack: Stack, key: str) -> float:
    # The TableName-only series: the base table (LSI writes are consumed from the table's own
    # capacity and reported there); GSIs report under TableName+GlobalSecondaryIndexName.
    entry = wanted(key)
    found = _matching(summary, entry, stack)
    return sum(s.total for series in found.values() for s in series if s.dimension_names == entry.dimension_sets[0])


def _largest_filter(summary: MetricSummary, stack: Stack, key: str) -> float:
    # S3 request metrics exist once per metrics filter; the whole-bucket filter counts the most
    # requests, and adding filters up would count a request once per filter.
    found = _matching(summary, wanted(key), stack)
    return sum(max(s.total for s in candidates) for candidates in found.values())


def _durations(summary: MetricSummary, stack: Stack) -> dict[str, float]:
    entry = wanted("lambda.duration")
    totals = _by_resource(summary, entry, stack)
    averages = _matching(summary, replace(entry, statistic="Average"), stack)
    counts = _matching(summary, replace(entry, statistic="SampleCount"), stack)
    for function, series in averages.items():
        if function in totals or function not in counts:
            continue
        # Without a Sum: the mean of the Average datapoints times the invocations they cover
        # (exact when the datapoints are evenly loaded, an approximation otherwise).
        weight = sum(s.total for s in counts[function])
        mean = sum(s.total for s in series) / max(1, sum(s.count for s in series))
        totals[function] = mean * weight
    return totals


def _warmup_pings(summary: MetricSummary, stack: Stack) -> dict[str, float]:
    names = {f.name for f in stack.functions}
    series = [
        s
        for s in summary.find(stack.metrics_namespace, WARMUP_PINGS, "Sum")
        if s.dimensions.get(SERVICE_DIMENSION) in names
    ]
    totals: dict[str, float] = {}
    for name in names:
        mine = [s for s in series if s.dimensions.get(SERVICE_DIMENSION) == name]
        if mine:
            totals[name] = sum(s.total for s in _smallest_dimension_set(mine))
    return totals


def _app_total(series: Iterable[Series], metric: str) -> float | None:
    found = [s for s in series if s.metric == metric and s.statistic == "Sum"]
    if not found:
        return None
    return sum(s.total for s in _smallest_dimension_set(found))


def _smallest_dimension_set(series: list[Series]) -> list[Series]:
    # EMF publishes a metric once per dimension set; one set (the coarsest) counts each value once.
    smallest = min(series, key=lambda s: (len(s.dimensions), sorted(s.dimensions))).dimension_names
    return [s for s in series if s.dimension_names == smallest]


def _active_users(series: Iterable[Series]) -> float | None:
    found = [s for s in series if s.metric == ACTIVE_USERS]
    for statistic in ("Maximum", "Average", "Sum"):
        values = [s.maximum for s in found if s.statistic == statistic]
        if values:
            return max(values)
    return None


def _storage_growth(summary: MetricSummary, stack: Stack, window: float, notes: list[str]) -> float | None:
    series = _matching(summary, wanted("s3.storage_bytes"), stack).get("bucket", [])
    growth_per_hour = 0.0
    measured = False
    for s in series:
        if s.count < 2 or s.first_timestamp is None or s.last_timestamp is None:
            continue
        hours = float((s.last_timestamp - s.first_timestamp) / HOUR)
        if hours > 0 and s.first_value is not None and s.last_value is not None:
            growth_per_hour += (s.last_value - s.first_value) / hours
            measured = True
    if not measured:
        return None
    return max(0.0, growth_per_hour) * window
