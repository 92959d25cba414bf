"""A function's own dashboard: its alarms, traffic, latency against the timeout, concurrency,
cold starts, the business metrics it emits, and its recent errors."""

from __future__ import annotations

from infra.model import Function

from dashboards import lambda_graphs
from dashboards.context import OVERVIEW, DashboardContext, function_suffix
from dashboards.graphs import alarm_graph, alarm_series, ident, metric_line, thresholds
from dashboards.overview import alarm_status_widgets
from dashboards.widgets import Dashboard, Expr, Graph, Line, LogQuery, Section, Text
from kit.metrics import business_metric, fans_out, lambda_metric

ERRORS_QUERY = (
    "fields @timestamp, level, message, exception, @requestId"
    " | filter level = 'ERROR' or @message like /Task timed out/"
    " | sort @timestamp desc | limit 50"
)
MAX_ROUTES_LISTED = 20


def _facts(ctx: DashboardContext, function: Function) -> Text:
    routes = [f"{r.method} {r.path}" for r in function.rest_routes] + [r.route_key for r in function.websocket_routes]
    listed = ", ".join(f"`{r}`" for r in routes[:MAX_ROUTES_LISTED])
    if len(routes) > MAX_ROUTES_LISTED:
        listed += f" and {len(routes) - MAX_ROUTES_LISTED} more"
    reserved = function.reserved_concurrency if function.reserved_concurrency is not None else "none"
    return Text(
        f"# {function.name} ({ctx.target.function_name(function)})\n"
        f"{function.description}. Handler `{function.handler}`, {function.memory_mb} MB, {function.architecture},"
        f" timeout {function.timeout_s} s, reserved concurrency {reserved}."
        + (f" Routes: {listed}." if routes else " No routes (invoked by events).")
        + f" [Overview]({ctx.dashboard_link(OVERVIEW)}) \u00b7 [Runbooks]({ctx.runbook_url})",
        height=3,
    )


def _business(ctx: DashboardContext, function: Function) -> list[Graph]:
    namespace = ctx.stack.metrics_namespace
    search = f"SEARCH('{{{namespace},service}} service=\"{function.name}\"', 'Sum', 300)"
    graphs = [
        Graph(
            f"{function.name}: business metrics it emits (sum per 5 min)",
            (Expr(search, "emitted", ""),),
            width=24,
            period=300,
        )
    ]
    if fans_out(function):
        failure = ctx.index.find("fanout_failure_rate", function=function.name)
        if failure:
            graphs.append(
                Graph(
                    f"{function.name}: fan-out failure rate (%)",
                    tuple(alarm_series(failure[0], prefix="fanout", label="failure rate %")),
                    width=12,
                    thresholds=thresholds(failure),
                    period=failure[0].period,
                )
            )
        latency = ctx.index.find("fanout_latency_p90", function=function.name)
        period = latency[0].period if latency else 300
        graphs.append(
            Graph(
                f"{function.name}: fan-out latency (ms)",
                tuple(
                    metric_line(
                        business_metric(ctx.stack, function, "FanoutLatency", stat, period), stat, ident("fanout", stat)
                    )
                    for stat in ("p50", "p90", "p99")
                ),
                width=12,
                thresholds=thresholds(latency),
                left_label="ms",
                period=period,
            )
        )
    return graphs


# Counts with alarms of their own: errors on thin traffic and the failures the app counts.
_FAILURE_GRAPHS = (
    ("lambda_error_count", "errors on thin traffic (count)", "errors"),
    ("dependency_errors", "dependencies failing after retries (503)", "dependency errors"),
    ("dependency_throttles", "dependencies throttling after retries (503)", "dependency throttles"),
    ("rate_limited", "requests over the per-user rate limits (429)", "rate limited"),
)


def _failures(ctx: DashboardContext, function: Function) -> list[Section]:
    graphs = [
        alarm_graph(
            f"{function.name}: {title}",
            ctx.index.find(check, function=function.name),
            prefix=ident(function.name, check),
            label=label,
        )
        for check, title, label in _FAILURE_GRAPHS
    ]
    present = tuple(g for g in graphs if g is not None)
    return [Section("Failure counts", present)] if present else []


def dashboard(ctx: DashboardContext, function: Function) -> Dashboard:
    """The dashboard of ``function``."""
    target = ctx.target
    alarms = [a.name for a in ctx.alarm_set.for_function(function.name)]
    sections = [Section("", (_facts(ctx, function),), header=False)]
    if alarms:
        sections.append(Section("Alarms", tuple(alarm_status_widgets(ctx, alarms, f"{function.name} alarms"))))
    warmups: tuple[Line, ...] = (
        metric_line(business_metric(ctx.stack, function, "WarmupPings"), "warm-up pings", "pings"),
        metric_line(business_metric(ctx.stack, function, "WarmupColdStarts"), "warm-up cold starts", "warm_cold"),
        metric_line(lambda_metric(target, function, "Invocations"), "all invocations", "invocations"),
    )
    sections += [
        Section(
            "Traffic and errors",
            (
                lambda_graphs.invocations_and_errors(ctx, function, width=12),
                lambda_graphs.concurrency_and_throttles(ctx, function, width=12),
            ),
        ),
        Section(
            "Latency and cold starts",
            (
                lambda_graphs.duration(ctx, function, width=12, stats=("p50", "p90", "p99", "Maximum")),
                lambda_graphs.cold_starts(ctx, function, width=12),
                Graph(f"{function.name}: warm-up pings vs invocations", warmups, width=24),
            ),
        ),
        *_failures(ctx, function),
        Section("Business metrics", tuple(_business(ctx, function))),
        Section(
            "Recent errors",
            (LogQuery(f"{function.name}: recent errors", (target.log_group(function),), ERRORS_QUERY),),
        ),
    ]
    return Dashboard(name=ctx.name(function_suffix(function)), sections=tuple(sections))
