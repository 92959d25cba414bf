"""The overview dashboard: service health at a glance, every part of the stack model on one page.

Sections: alarm status; REST API; WebSocket API; each Lambda function; DynamoDB; S3; Cognito;
business KPIs; the alarm path; cost. Sections for resources the model lacks are left out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from alarms.spec import AlarmSpec
from dashboards import cost, lambda_graphs
from dashboards.context import ALARMS, COST, OVERVIEW, DashboardContext, consolidated, function_suffix
from dashboards.graphs import alarm_graph, alarm_series, ident, metric_line, thresholds
from dashboards.widgets import AlarmStatus, Dashboard, Expr, Graph, Line, Section, Text
from kit.metrics import (
    BUSINESS_METRICS,
    CANARY_CHECKS,
    MetricStat,
    account_dynamodb_metric,
    bucket_metric,
    business_metric,
    cognito_metric,
    fans_out,
    is_canary,
    rest_metric,
    table_metric,
    table_operations,
    topic_metric,
    websocket_metric,
)

MAX_ALARMS_PER_WIDGET = 100
_KPI_PERIOD = 300


def alarm_status_widgets(ctx: DashboardContext, names: list[str], title: str, width: int = 24) -> list[AlarmStatus]:
    """Alarm status widgets for ``names``, 100 alarms each."""
    out: list[AlarmStatus] = []
    chunks = [names[i : i + MAX_ALARMS_PER_WIDGET] for i in range(0, len(names), MAX_ALARMS_PER_WIDGET)]
    for number, chunk in enumerate(chunks, start=1):
        suffix = f" ({number}/{len(chunks)})" if len(chunks) > 1 else ""
        rows = max(2, min(12, 1 + (len(chunk) + 3) // 4))
        arns = tuple(ctx.target.alarm_arn(name) for name in chunk)
        out.append(AlarmStatus(f"{title}{suffix}", arns, width=width, height=rows))
    return out


def _header(ctx: DashboardContext) -> Text:
    stack, target = ctx.stack, ctx.target
    if consolidated(stack, target.stage):
        functions = "one row each below"
    else:
        functions = " ".join(f"[{f.name}]({ctx.dashboard_link(function_suffix(f))})" for f in stack.functions)
    return Text(
        f"# {stack.name} ({target.stage}): overview\n"
        f"Generated from the stack model by `ops dashboards` (edits made in the console are overwritten). "
        f"[Alarms]({ctx.console()}#alarmsV2:) \u00b7 [All alarm states]({ctx.dashboard_link(ALARMS)}) \u00b7 "
        f"[Cost]({ctx.dashboard_link(COST)}) \u00b7 [Runbooks]({ctx.runbook_url}) \u00b7 Functions: {functions}",
        height=3,
    )


def _health(ctx: DashboardContext) -> Section:
    composites = [c.name for c in ctx.alarm_set.composites]
    critical = [a.name for a in ctx.alarm_set.alarms if a.severity == "critical"]
    widgets = alarm_status_widgets(ctx, composites + critical, "Service health and critical alarms")
    return Section("Service health", (*widgets, cost.projected_total(ctx), cost.month_to_date()))


MAX_SERIES_PER_GRAPH = 400  # CloudWatch allows 500 metrics per graph; keep room


def _rate_graphs(title: str, specs_by_label: list[tuple[str, list[AlarmSpec]]], *, width: int = 6) -> list[Graph]:
    """One graph (more when the lines would exceed a graph's metric limit) of what the alarms
    in ``specs_by_label`` watch, one line per label, with their thresholds."""
    graphs: list[Graph] = []
    series: list[Line | Expr] = []
    specs: list[AlarmSpec] = []

    def flush() -> None:
        if specs:
            part = f" ({len(graphs) + 1})" if graphs or len(series) > MAX_SERIES_PER_GRAPH else ""
            graphs.append(
                Graph(
                    f"{title}{part}", tuple(series), width=width, thresholds=thresholds(specs), period=specs[0].period
                )
            )

    for label, found in specs_by_label:
        if not found:
            continue
        lines = alarm_series(found[0], prefix=ident(label, found[0].check), label=label)
        if series and len(series) + len(lines) > MAX_SERIES_PER_GRAPH:
            flush()
            series, specs = [], []
        series += lines
        specs += found
    flush()
    if len(graphs) == 1 and graphs[0].title != title:
        graphs[0] = replace(graphs[0], title=title)
    return graphs


def _percentiles(
    title: str, metric_of: Callable[[str, int], MetricStat], specs: list[AlarmSpec], prefix: str, width: int = 6
) -> Graph:
    period = specs[0].period if specs else 60
    series = tuple(metric_line(metric_of(stat, period), stat, ident(prefix, stat)) for stat in ("p50", "p90", "p99"))
    return Graph(title, series, width=width, thresholds=thresholds(specs), left_label="ms", period=period)


def _rest(ctx: DashboardContext) -> Section | None:
    if not any(f.rest_routes for f in ctx.stack.functions):
        return None
    target, index = ctx.target, ctx.index
    requests = Graph(
        "REST requests",
        (metric_line(rest_metric(target, "Count"), "requests", "count"),),
        width=6,
    )
    widgets = [requests]
    for key, label in (("rest_5xx_rate", "5XX"), ("rest_4xx_rate", "4XX")):
        widgets += _rate_graphs(f"REST {label} rate (%)", [(label, index.find(key))])
    count = alarm_graph("REST 5XX on thin traffic (count)", index.find("rest_5xx_count"), prefix="c5xx", label="5XX")
    if count is not None:
        widgets.append(count)
    widgets.append(
        _percentiles(
            "REST latency (ms)",
            lambda stat, period: rest_metric(target, "Latency", stat, period),
            index.find("rest_latency_p90"),
            "latency",
        )
    )
    return Section("REST API", tuple(widgets), intro=f"API `{target.rest_api_name}`, stage `{target.rest_stage}`")


def _websocket(ctx: DashboardContext) -> Section | None:
    if not any(f.websocket_routes for f in ctx.stack.functions):
        return None
    target, index = ctx.target, ctx.index
    traffic = Graph(
        "WebSocket connects and messages",
        (
            metric_line(websocket_metric(target, "ConnectCount"), "connects", "connects"),
            metric_line(websocket_metric(target, "MessageCount"), "messages", "messages"),
        ),
    )
    widgets: list[Graph] = [traffic]
    widgets += _rate_graphs(
        "WebSocket client error rate (%)", [("client errors", index.find("websocket_client_error_rate"))]
    )
    execution = index.find("websocket_execution_errors")
    widgets.append(
        Graph(
            "WebSocket execution and integration errors",
            (
                metric_line(
                    websocket_metric(target, "ExecutionError", period=execution[0].period if execution else 60),
                    "execution errors",
                    "execution",
                ),
                metric_line(websocket_metric(target, "IntegrationError"), "integration errors", "integration"),
            ),
            thresholds=thresholds(execution),
        )
    )
    refused = alarm_graph(
        "Refused connects (401, % of attempts)",
        index.find("websocket_connects_refused_rate"),
        prefix="refused",
        label="refused %",
    )
    keys = alarm_graph(
        "Connects answered 503 (signing keys unavailable)",
        index.find("auth_keys_unavailable"),
        prefix="keys",
        label="503 at $connect",
    )
    widgets += [g for g in (refused, keys) if g is not None]
    widgets.append(
        _percentiles(
            "WebSocket integration latency (ms)",
            lambda stat, period: websocket_metric(target, "IntegrationLatency", stat, period),
            index.find("websocket_integration_latency_p90"),
            "integration_latency",
        )
    )
    return Section(
        "WebSocket API", tuple(widgets), intro=f"API `{target.websocket_api_id}`, stage `{target.websocket_stage}`"
    )


def _functions(ctx: DashboardContext) -> Section:
    widgets: list[Graph] = []
    for function in ctx.stack.functions:
        widgets += [
            lambda_graphs.invocations_and_errors(ctx, function),
            lambda_graphs.duration(ctx, function),
            lambda_graphs.concurrency_and_throttles(ctx, function),
            lambda_graphs.cold_starts(ctx, function),
        ]
    account = alarm_graph(
        "Lambda: claimed account concurrency",
        ctx.index.find("lambda_account_concurrency"),
        prefix="account",
        label="claimed concurrency",
    )
    if account is not None:
        widgets.append(account)
    return Section(
        "Lambda functions",
        tuple(widgets),
        intro=(
            "Cold starts are Powertools' ColdStart metric (function_name, service); warm-up pings are not user traffic."
        ),
    )


def _by_alarm(specs: list[AlarmSpec]) -> list[list[AlarmSpec]]:
    """``specs`` grouped by alarm (the levels of one alarm share what they watch)."""
    groups: dict[str, list[AlarmSpec]] = {}
    for spec in specs:
        groups.setdefault(spec.slug.rsplit("-", 1)[0], []).append(spec)
    return list(groups.values())


def _dynamodb(ctx: DashboardContext) -> Section:
    target, index, table = ctx.target, ctx.index, ctx.stack.table
    capacity: list[Line] = []
    for scope in [None, *(i.name for i in table.global_secondary_indexes)]:
        where = scope or "table"
        capacity.append(
            metric_line(
                table_metric(target, "ConsumedReadCapacityUnits", index=scope), f"{where} reads", ident("rcu", where)
            )
        )
        capacity.append(
            metric_line(
                table_metric(target, "ConsumedWriteCapacityUnits", index=scope), f"{where} writes", ident("wcu", where)
            )
        )
    widgets: list[Graph] = [Graph("DynamoDB consumed units", tuple(capacity), left_label="units")]
    scopes = ["table", *(i.name for i in table.global_secondary_indexes)]
    widgets += _rate_graphs(
        "DynamoDB throttle events", [(scope, index.find("dynamodb_throttles", scope=scope.lower())) for scope in scopes]
    )
    latency = tuple(
        metric_line(table_metric(target, "SuccessfulRequestLatency", "Average", operation=op), op, ident("lat", op))
        for op in table_operations(ctx.stack)
    )
    if latency:
        widgets.append(Graph("DynamoDB latency by operation (ms, average)", latency, left_label="ms"))
    for part, levels in enumerate(_by_alarm(index.find("dynamodb_latency"))):
        slowest = alarm_graph("DynamoDB slowest operation (ms, average)", levels, prefix=f"slow{part}", label="slowest")
        if slowest is not None:
            widgets.append(slowest)
    system = index.find("dynamodb_system_errors")
    if system:
        widgets.append(
            Graph(
                "DynamoDB system errors",
                tuple(alarm_series(system[0], prefix="sys", label="system errors")),
                thresholds=thresholds(system),
            )
        )
    user = index.find("dynamodb_user_errors")
    user_graph = alarm_graph(
        "DynamoDB user errors less duplicate sends (account)", user, prefix="user", label="user errors"
    )
    widgets.append(
        user_graph
        or Graph(
            "DynamoDB user errors (account)",
            (metric_line(account_dynamodb_metric("UserErrors"), "user errors", "user_errors"),),
        )
    )
    return Section("DynamoDB", tuple(widgets), intro=f"Table `{target.table_name}`")


def _bucket(ctx: DashboardContext) -> Section:
    target = ctx.target
    size = bucket_metric(target, "BucketSizeBytes", "StandardStorage")
    objects = bucket_metric(target, "NumberOfObjects", "AllStorageTypes")
    return Section(
        "S3 bucket",
        (
            Graph(
                "Bucket size (GB, daily)",
                (Line(size, id="bytes", visible=False), Expr("bytes / 1000000000", "gb", "GB")),
                period=86400,
                start="-P30D",
            ),
            Graph("Objects (daily)", (metric_line(objects, "objects", "objects"),), period=86400, start="-P30D"),
            *(
                g
                for g in (alarm_graph("S3 5xx errors", ctx.index.find("s3_5xx_errors"), prefix="s3", label="5xx"),)
                if g is not None
            ),
        ),
        intro=f"Bucket `{target.bucket_name}` (S3 storage metrics are daily)",
    )


def _cognito(ctx: DashboardContext) -> Section:
    target, index = ctx.target, ctx.index
    successes = tuple(
        metric_line(cognito_metric(target, name), label, ident(name))
        for name, label in (
            ("SignInSuccesses", "sign-ins"),
            ("SignUpSuccesses", "sign-ups"),
            ("TokenRefreshSuccesses", "token refreshes"),
        )
    )
    throttles = index.find("cognito_throttles")
    lines = tuple(
        metric_line(spec.metric, spec.metric.name, ident(spec.metric.name))
        for spec in throttles
        if spec.metric is not None and spec.severity == throttles[0].severity
    )
    widgets = [Graph("Cognito successes", successes)]
    if lines:
        widgets.append(Graph("Cognito throttles", lines, thresholds=thresholds(throttles), period=throttles[0].period))
    return Section("Cognito", tuple(widgets), intro=f"User pool `{target.user_pool_id}`")


def _kpi(ctx: DashboardContext, names: tuple[str, ...], title: str, *, scale: float = 1.0, width: int = 8) -> Graph:
    """Business metrics summed over every service with ``SEARCH`` (any function may emit them)."""
    namespace = ctx.stack.metrics_namespace
    series: list[Line | Expr] = []
    for name in names:
        search = f"SEARCH('{{{namespace},service}} MetricName=\"{name}\"', 'Sum', {_KPI_PERIOD})"
        expression = f"SUM({search})" if scale == 1.0 else f"SUM({search}) / {scale:g}"
        series.append(Expr(expression, ident(name), name))
    return Graph(title, tuple(series), width=width, period=_KPI_PERIOD)


_CANARY_METRICS = {name for _probe, success, latency in CANARY_CHECKS for name in (success, latency)}


def _canary(ctx: DashboardContext) -> list[Graph]:
    """The canary's probes: success (1 ok, 0 failed, gap: it did not run) and latency."""
    canaries = [f for f in ctx.stack.functions if is_canary(f)]
    if not canaries:
        return []
    canary = canaries[0]
    specs = list(ctx.index.find("canary_failed", function=canary.name))
    success = tuple(
        metric_line(business_metric(ctx.stack, canary, name, "Minimum"), probe, ident(probe, "ok"))
        for probe, name, _latency in CANARY_CHECKS
    )
    latency = tuple(
        metric_line(business_metric(ctx.stack, canary, name, "Maximum"), probe, ident(probe, "ms"))
        for probe, _success, name in CANARY_CHECKS
    )
    return [
        Graph("Canary probes (1 ok, 0 failed)", success, width=8, thresholds=thresholds(specs)),
        Graph("Canary probe latency (ms)", latency, width=8, left_label="ms"),
    ]


def _business(ctx: DashboardContext) -> Section:
    index = ctx.index
    widgets: list[Graph] = [
        _kpi(ctx, ("MessagesSent", "MessagesDelivered", "DuplicateSends"), "Messages sent and delivered"),
    ]
    fanning = [f for f in ctx.stack.functions if fans_out(f)]
    widgets += _rate_graphs(
        "Fan-out failure rate (%)",
        [(f.name, index.find("fanout_failure_rate", function=f.name)) for f in fanning],
        width=8,
    )
    latency_specs = [s for f in fanning for s in index.find("fanout_latency_p90", function=f.name)]
    if fanning:
        widgets.append(
            Graph(
                "Fan-out latency p90 (ms)",
                tuple(
                    metric_line(
                        business_metric(ctx.stack, f, "FanoutLatency", "p90", _KPI_PERIOD),
                        f.name,
                        ident(f.name, "fanout"),
                    )
                    for f in fanning
                ),
                width=8,
                thresholds=thresholds(latency_specs),
                left_label="ms",
                period=_KPI_PERIOD,
            )
        )
    widgets += [
        _kpi(ctx, ("CallsStarted", "CallsAnswered", "CallsMissed", "CallsDeclined"), "Calls"),
        _kpi(ctx, ("CallDuration",), "Call minutes", scale=60.0),
        _kpi(
            ctx, ("ConnectionsOpened", "ConnectionsClosed", "StaleConnectionsRemoved", "FramesRefused"), "Connections"
        ),
        _kpi(ctx, ("UsersRegistered", "Logins", "LoginFailures"), "Users"),
        _kpi(ctx, ("ConversationsCreated", "UploadsRequested"), "Conversations and uploads"),
        _kpi(ctx, ("WarmupPings", "WarmupColdStarts"), "Warm-up pings (not user traffic)"),
        # What the app itself counts as failing (each has an alarm): dependencies failing or
        # throttling after retries (503), signing keys unreadable at $connect (503), tokens
        # refused at $connect (401), users over their rate limits (429).
        _kpi(
            ctx,
            ("DependencyErrors", "DependencyThrottles", "AuthKeysUnavailable", "ConnectsRefused", "RateLimited"),
            "Failures the app counts (503, 401, 429)",
        ),
    ]
    widgets += _canary(ctx)
    shown = {
        n
        for w in widgets
        for s in w.series
        if isinstance(s, Expr)
        for n in BUSINESS_METRICS
        if f'"{n}"' in s.expression
    }
    graphed_apart = {"FanoutFailures", "FanoutLatency", "FanoutDeliveries", *_CANARY_METRICS}
    missing = [n for n in BUSINESS_METRICS if n not in shown and n not in graphed_apart]
    if missing:  # a metric added to the catalogue without a home here still shows up
        widgets.append(_kpi(ctx, tuple(missing), "Other business metrics"))
    return Section(
        "Business KPIs", tuple(widgets), intro=f"Namespace `{ctx.stack.metrics_namespace}`, summed over services"
    )


def _notifications(ctx: DashboardContext) -> Section:
    target, index = ctx.target, ctx.index
    failures = index.find("sns_delivery_failures")
    failed = (
        failures[0].metric if failures and failures[0].metric else topic_metric(target, "NumberOfNotificationsFailed")
    )
    return Section(
        "Alarm notifications",
        (
            Graph(
                "Alarm topic deliveries",
                (
                    metric_line(
                        topic_metric(target, "NumberOfNotificationsDelivered", period=failed.period),
                        "delivered",
                        "delivered",
                    ),
                    metric_line(failed, "failed", "failed"),
                ),
                thresholds=thresholds(failures),
                period=failed.period,
            ),
            _kpi(
                ctx, ("NotificationsDelivered", "NotificationFailures"), "Notifier deliveries (webhook, email)", width=6
            ),
        ),
    )


def dashboard(ctx: DashboardContext) -> Dashboard:
    """The overview dashboard of the stack."""
    sections = [
        Section("", (_header(ctx),), header=False),
        _health(ctx),
        _rest(ctx),
        _websocket(ctx),
        _functions(ctx),
        _dynamodb(ctx),
        _bucket(ctx),
        _cognito(ctx),
        _business(ctx),
        _notifications(ctx),
    ]
    return Dashboard(name=ctx.name(OVERVIEW), sections=tuple(s for s in sections if s is not None))
