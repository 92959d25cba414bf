"""Graphs of one Lambda function, shared by the overview and the function's own dashboard."""

from __future__ import annotations

from infra.model import Function

from alarms.rules.base import RuleContext
from alarms.rules.lambdas import concurrency_limit
from dashboards.context import DashboardContext
from dashboards.graphs import alarm_series, ident, metric_line, thresholds
from dashboards.widgets import LIMIT_COLOR, Expr, Graph, Line, Threshold
from kit.metrics import business_metric, cold_start_metric, lambda_metric, serves_routes


def _rate_part(
    ctx: DashboardContext, function: Function, check: str, label: str
) -> tuple[list[Line | Expr], tuple[Threshold, ...]]:
    specs = ctx.index.find(check, function=function.name)
    if not specs:
        return [], ()
    series = alarm_series(specs[0], prefix=ident(function.name, check), label=label, axis="right")
    return series, thresholds(specs, "right")


def invocations_and_errors(ctx: DashboardContext, function: Function, width: int = 6) -> Graph:
    """Invocations (left) and the error rate its alarm watches (right, with its thresholds)."""
    name = function.name
    rate, lines = _rate_part(ctx, function, "lambda_error_rate", "error rate %")
    series = [
        metric_line(lambda_metric(ctx.target, function, "Invocations"), "invocations", ident(name, "invocations")),
        metric_line(lambda_metric(ctx.target, function, "Errors"), "errors", ident(name, "errors")),
        *rate,
    ]
    return Graph(
        f"{name}: invocations, errors, error rate",
        tuple(series),
        width=width,
        thresholds=lines,
        left_label="count",
        right_label="%",
    )


def duration(
    ctx: DashboardContext, function: Function, width: int = 6, stats: tuple[str, ...] = ("p50", "p90", "p99")
) -> Graph:
    """Duration percentiles against the timeout, with the p90 alarm's thresholds."""
    specs = ctx.index.find("lambda_duration_p90", function=function.name)
    period = specs[0].period if specs else 60
    series = [
        metric_line(
            lambda_metric(ctx.target, function, "Duration", stat, period), stat, ident(function.name, "duration", stat)
        )
        for stat in stats
    ]
    timeout = Threshold(function.timeout_s * 1000.0, f"timeout {function.timeout_s} s", LIMIT_COLOR)
    return Graph(
        f"{function.name}: duration (ms) vs timeout",
        tuple(series),
        width=width,
        thresholds=(*thresholds(specs), timeout),
        left_label="ms",
        period=period,
    )


def concurrency_and_throttles(ctx: DashboardContext, function: Function, width: int = 6) -> Graph:
    """Concurrency (left, with its thresholds and limit) and throttle rate (right)."""
    specs = ctx.index.find("lambda_concurrency", function=function.name)
    limit, source = concurrency_limit(RuleContext(ctx.stack, ctx.target, ctx.thresholds), function)
    rate, rate_lines = _rate_part(ctx, function, "lambda_throttle_rate", "throttle rate %")
    concurrency = lambda_metric(
        ctx.target, function, "ConcurrentExecutions", "Maximum", specs[0].period if specs else 60
    )
    series = [metric_line(concurrency, "max concurrent", ident(function.name, "concurrency")), *rate]
    limit_line = Threshold(float(limit), f"limit {limit} ({source.split()[-1]})", LIMIT_COLOR)
    return Graph(
        f"{function.name}: concurrency, throttle rate",
        tuple(series),
        width=width,
        thresholds=(*thresholds(specs), limit_line, *rate_lines),
        left_label="executions",
        right_label="%",
    )


def cold_starts(ctx: DashboardContext, function: Function, width: int = 6) -> Graph:
    """Powertools cold starts (left) and, for user-facing functions, the cold-start rate its
    alarm watches (right)."""
    name = function.name
    specs = ctx.index.find("lambda_cold_start_rate", function=name)
    period = specs[0].period if specs else 60
    rate, lines = _rate_part(ctx, function, "lambda_cold_start_rate", "cold-start rate %")
    cold = cold_start_metric(ctx.stack, ctx.target, function, period)
    series: list[Line | Expr] = [metric_line(cold, "cold starts", ident(name, "cold"))]
    if serves_routes(function):
        warm = business_metric(ctx.stack, function, "WarmupColdStarts", period=period)
        series.append(metric_line(warm, "absorbed by warm-up", ident(name, "warm")))
    series.extend(rate)
    return Graph(
        f"{name}: cold starts" + (", cold-start rate" if rate else ""),
        tuple(series),
        width=width,
        thresholds=lines,
        left_label="count",
        right_label="%",
        period=period,
    )
