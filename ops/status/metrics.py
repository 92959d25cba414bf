"""Each function's and API's last minutes, read in one batched GetMetricData call.

Counts are asked per minute and summed here; percentiles over the whole window (a p90 cannot
be summed). An endpoint that computes no percentiles (moto answers GetMetricData with 500 when
one is asked for) gets the same call again without them; the maximum then stands in for the
p90, and the screen says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from infra.model import Stack

from kit.metrics import MetricStat, cold_start_metric, lambda_metric, rest_metric, websocket_metric
from kit.target import Target
from ops.status.report import ApiRow, FunctionRow

MAX_QUERIES = 500  # GetMetricData's limit per call
P90 = "p90"


@dataclass(frozen=True)
class Window:
    """``[start, end)`` on the target's clock."""

    start: dt.datetime
    end: dt.datetime

    @property
    def seconds(self) -> int:
        """The window's length, whole minutes (a period must be a multiple of 60)."""
        return max(60, int((self.end - self.start).total_seconds()) // 60 * 60)


def window(now: float, since_s: float) -> Window:
    """The last ``since_s`` seconds before ``now`` (epoch seconds, target clock), minute-aligned
    at the start (CloudWatch's periods are)."""
    end = dt.datetime.fromtimestamp(now, dt.UTC)
    start_epoch = int(now - since_s)
    start = dt.datetime.fromtimestamp(start_epoch - start_epoch % 60, dt.UTC)
    return Window(start, end)


def _queries(stack: Stack, target: Target) -> dict[str, MetricStat]:
    """Every metric the screen needs, by a key of ours (``<what>:<name>``)."""
    wanted: dict[str, MetricStat] = {}
    for function in stack.functions:
        name = function.name
        wanted[f"invocations:{name}"] = lambda_metric(target, function, "Invocations")
        wanted[f"errors:{name}"] = lambda_metric(target, function, "Errors")
        wanted[f"throttles:{name}"] = lambda_metric(target, function, "Throttles")
        wanted[f"duration:{name}"] = lambda_metric(target, function, "Duration", P90)
        wanted[f"cold:{name}"] = cold_start_metric(stack, target, function)
    wanted["rest:requests"] = rest_metric(target, "Count")
    wanted["rest:5xx"] = rest_metric(target, "5XXError")
    wanted["rest:4xx"] = rest_metric(target, "4XXError")
    wanted["rest:latency"] = rest_metric(target, "Latency", P90)
    wanted["ws:connects"] = websocket_metric(target, "ConnectCount")
    wanted["ws:messages"] = websocket_metric(target, "MessageCount")
    wanted["ws:execution"] = websocket_metric(target, "ExecutionError")
    wanted["ws:client"] = websocket_metric(target, "ClientError")
    wanted["ws:latency"] = websocket_metric(target, "IntegrationLatency", P90)
    return wanted


def _query(query_id: str, metric: MetricStat, period: int) -> dict[str, Any]:
    return {
        "Id": query_id,
        "MetricStat": {
            "Metric": {
                "Namespace": metric.namespace,
                "MetricName": metric.name,
                "Dimensions": [{"Name": k, "Value": v} for k, v in metric.dimensions],
            },
            "Period": period if metric.is_percentile else 60,
            "Stat": metric.stat,
        },
        "ReturnData": True,
    }


def get_metric_data(cloudwatch: Any, metrics: Sequence[MetricStat], span: Window) -> list[list[float]]:
    """The values of each metric over ``span``, in order: one GetMetricData call (continued
    with its NextToken while CloudWatch pages the answer)."""
    if len(metrics) > MAX_QUERIES:
        raise ValueError(f"{len(metrics)} metrics: GetMetricData takes {MAX_QUERIES} a call")
    queries = [_query(f"m{i}", metric, span.seconds) for i, metric in enumerate(metrics)]
    values: dict[str, list[float]] = {q["Id"]: [] for q in queries}
    args: dict[str, Any] = {"MetricDataQueries": queries, "StartTime": span.start, "EndTime": span.end}
    while True:
        answer = cloudwatch.get_metric_data(**args)
        for result in answer.get("MetricDataResults") or []:
            values[result["Id"]].extend(float(v) for v in result.get("Values") or [] if v is not None)
        token = answer.get("NextToken")
        if not token:
            break
        args["NextToken"] = token
    return [values[f"m{i}"] for i in range(len(metrics))]


def _refuses_percentiles(error: Exception) -> bool:
    response = getattr(error, "response", None) or {}
    status = int((response.get("ResponseMetadata") or {}).get("HTTPStatusCode") or 0)
    return status >= 500


@dataclass
class Readings:
    """The screen's metric rows, and a note when a statistic was stood in for."""

    functions: list[FunctionRow]
    apis: list[ApiRow]
    note: str = ""


def read(cloudwatch: Any, stack: Stack, target: Target, span: Window) -> Readings:
    """Every function's and API's figures over ``span``."""
    from botocore.exceptions import ClientError

    wanted = _queries(stack, target)
    keys = list(wanted)
    note = ""
    try:
        series = get_metric_data(cloudwatch, [wanted[k] for k in keys], span)
    except ClientError as error:
        if not _refuses_percentiles(error):
            raise
        stand_in = {k: m.with_stat("Maximum") if m.is_percentile else m for k, m in wanted.items()}
        series = get_metric_data(cloudwatch, [stand_in[k] for k in keys], span)
        note = "this endpoint computes no percentiles (moto): p90 columns show the maximum instead"
    got = dict(zip(keys, series, strict=True))

    def total(key: str) -> float:
        return float(sum(got.get(key) or []))

    def peak(key: str) -> float | None:
        found = got.get(key) or []
        return max(found) if found else None

    functions = [
        FunctionRow(
            function=f.name,
            invocations=total(f"invocations:{f.name}"),
            errors=total(f"errors:{f.name}"),
            throttles=total(f"throttles:{f.name}"),
            cold_starts=total(f"cold:{f.name}"),
            p90_ms=peak(f"duration:{f.name}"),
            timeout_ms=f.timeout_s * 1000.0,
        )
        for f in stack.functions
    ]
    apis = [
        ApiRow("REST", total("rest:requests"), total("rest:5xx"), total("rest:4xx"), peak("rest:latency")),
        ApiRow(
            "WebSocket",
            total("ws:connects") + total("ws:messages"),
            total("ws:execution"),
            total("ws:client"),
            peak("ws:latency"),
        ),
    ]
    return Readings(functions, apis, note)
