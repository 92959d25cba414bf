"""The Cost dashboard: usage metrics turned into dollars with metric math, next to what AWS
Billing says so far this month.

Prices come from the project's one price sheet (:mod:`kit`, the sheet ``ops cost`` prices
with), never from a copy. *Projected monthly* figures scale the selected time range to AWS's
730-hour month and apply each meter's always-free allowance (the Lambda GB-second pool spent on
x86_64 first), as ``ops cost project`` does for a tier of the users behind the traffic: Lambda
requests and GB-seconds, REST requests, WebSocket messages, DynamoDB read and write units.
Hourly and daily graphs are usage x first-tier price, without the free tier (a month's
allowance cannot be split by hour). S3 storage is what is stored now. *Month to date* is
AWS/Billing ``EstimatedCharges`` (us-east-1, needs billing alerts enabled). What does not grow
with users (dashboards, alarms, WAF, the KMS key: ``ops cost idle``), Cognito MAUs, logs and
traces are left to ``ops cost``, which prices the full bill.
"""

from __future__ import annotations

from dataclasses import dataclass

from dashboards.context import COST, OVERVIEW, DashboardContext
from dashboards.graphs import ident
from dashboards.widgets import Dashboard, Expr, Graph, Line, Section, Text
from kit.metrics import (
    MetricStat,
    billing_metric,
    bucket_metric,
    lambda_metric,
    rest_metric,
    table_metric,
    websocket_metric,
)
from kit.unit_prices import UnitPrice, shipped_sheet, unit_price
from kit.units import SECONDS_PER_MONTH

S3_STORAGE_PERIOD = 86400
BYTES_PER_GB = 1000000000  # S3 bills decimal GB
# Meters the figures use, in the order the Cost dashboard's intro lists them.
METERS = (
    "lambda.requests",
    "lambda.duration.x86_64",
    "lambda.duration.arm64",
    "apigateway.rest_requests",
    "apigateway.websocket_messages",
    "dynamodb.read_request_units",
    "dynamodb.write_request_units",
    "s3.storage_gb",
)


def price(meter: str) -> UnitPrice:
    """``meter``'s first-tier price and always-free units on the shipped sheet."""
    return unit_price(shipped_sheet(), meter)


@dataclass(frozen=True)
class ServiceCost:
    """The inputs and the cost expression (id ``cost_id``) of one service over ``period``."""

    service: str
    inputs: tuple[Line | Expr, ...]
    cost_id: str


def _hidden(metric: MetricStat, id_: str) -> Line:
    return Line(metric, id=id_, visible=False)


def _num(value: float) -> str:
    return f"{value:.10g}"


def _lambda_inputs(ctx: DashboardContext, period: int) -> tuple[list[Line | Expr], list[str], dict[str, list[str]]]:
    """Hidden invocation and duration lines per function; the invocation ids; per architecture,
    the GB-second terms (``FILL(dur, 0) * GB / 1000``)."""
    lines: list[Line | Expr] = []
    invocations: list[str] = []
    gb_seconds: dict[str, list[str]] = {}
    for function in ctx.stack.functions:
        inv, dur = ident("inv", function.name), ident("dur", function.name)
        lines.append(_hidden(lambda_metric(ctx.target, function, "Invocations", "Sum", period), inv))
        lines.append(_hidden(lambda_metric(ctx.target, function, "Duration", "Sum", period), dur))
        invocations.append(inv)
        gb_seconds.setdefault(function.architecture, []).append(
            f"FILL({dur}, 0) * {_num(function.memory_mb / 1024 / 1000)}"
        )
    return lines, invocations, gb_seconds


def _table_units(ctx: DashboardContext, period: int) -> tuple[list[Line | Expr], list[str], list[str]]:
    lines: list[Line | Expr] = []
    reads: list[str] = []
    writes: list[str] = []
    scopes: list[str | None] = [None, *(i.name for i in ctx.stack.table.global_secondary_indexes)]
    for scope in scopes:
        rcu, wcu = ident("rcu", scope or "table"), ident("wcu", scope or "table")
        lines.append(_hidden(table_metric(ctx.target, "ConsumedReadCapacityUnits", "Sum", period, index=scope), rcu))
        lines.append(_hidden(table_metric(ctx.target, "ConsumedWriteCapacityUnits", "Sum", period, index=scope), wcu))
        reads.append(f"FILL({rcu}, 0)")
        writes.append(f"FILL({wcu}, 0)")
    return lines, reads, writes


def service_costs(ctx: DashboardContext, period: int) -> list[ServiceCost]:
    """The cost of each service the stack has over periods of ``period`` seconds: usage x
    first-tier price, no free tier (for the hourly and daily graphs)."""
    target, stack = ctx.target, ctx.stack
    out: list[ServiceCost] = []
    lam, invocations, gb_seconds = _lambda_inputs(ctx, period)
    if invocations:
        terms = [f"({' + '.join(f'FILL({i}, 0)' for i in invocations)}) * {_num(price('lambda.requests').usd)}"]
        for arch, parts in gb_seconds.items():
            terms.append(f"({' + '.join(parts)}) * {_num(price(f'lambda.duration.{arch}').usd)}")
        lam.append(Expr(" + ".join(terms), "lambda_cost", "Lambda"))
        out.append(ServiceCost("Lambda", tuple(lam), "lambda_cost"))
    if any(f.rest_routes for f in stack.functions):
        rest_price = _num(price("apigateway.rest_requests").usd)
        out.append(
            ServiceCost(
                "REST API",
                (
                    _hidden(rest_metric(target, "Count", "Sum", period), "rest_requests"),
                    Expr(f"FILL(rest_requests, 0) * {rest_price}", "rest_cost", "REST API"),
                ),
                "rest_cost",
            )
        )
    if any(f.websocket_routes for f in stack.functions):
        ws_price = _num(price("apigateway.websocket_messages").usd)
        out.append(
            ServiceCost(
                "WebSocket API",
                (
                    _hidden(websocket_metric(target, "MessageCount", "Sum", period), "ws_messages"),
                    Expr(f"FILL(ws_messages, 0) * {ws_price}", "ws_cost", "WebSocket API"),
                ),
                "ws_cost",
            )
        )
    ddb, reads, writes = _table_units(ctx, period)
    read_price, write_price = price("dynamodb.read_request_units").usd, price("dynamodb.write_request_units").usd
    ddb.append(
        Expr(
            f"({' + '.join(reads)}) * {_num(read_price)} + ({' + '.join(writes)}) * {_num(write_price)}",
            "ddb_cost",
            "DynamoDB",
        )
    )
    out.append(ServiceCost("DynamoDB", tuple(ddb), "ddb_cost"))
    size = bucket_metric(target, "BucketSizeBytes", "StandardStorage")
    out.append(
        ServiceCost(
            "S3 storage",
            (
                _hidden(size.with_period(max(period, S3_STORAGE_PERIOD)), "s3_bytes"),
                Expr(
                    f"FILL(s3_bytes, 0) / {BYTES_PER_GB} * {_num(price('s3.storage_gb').usd)} * PERIOD(s3_bytes) / "
                    f"{_num(SECONDS_PER_MONTH)}",
                    "s3_cost",
                    "S3 storage",
                ),
            ),
            "s3_cost",
        )
    )
    return out


def _over_free(quantity_id: str, unit: UnitPrice, cost_id: str, label: str) -> Expr:
    """The month's cost of ``quantity_id`` units after the meter's free units."""
    if unit.free <= 0:
        return Expr(f"{quantity_id} * {_num(unit.usd)}", cost_id, label, visible=False)
    free = _num(unit.free)
    return Expr(
        f"IF({quantity_id} > {free}, ({quantity_id} - {free}) * {_num(unit.usd)}, 0)", cost_id, label, visible=False
    )


def monthly_costs(ctx: DashboardContext) -> list[ServiceCost]:
    """Each usage-based service's projected month (the selected range scaled to 730 hours) with
    the always-free allowances, as ``ops cost project`` prices a tier of the current users."""
    period = 3600
    out: list[ServiceCost] = []
    lam, invocations, gb_seconds = _lambda_inputs(ctx, period)
    anchor = "ANCHOR"  # replaced by the graph's first metric id
    scale = f"{_num(SECONDS_PER_MONTH)} / PERIOD({anchor})"
    if invocations:
        lam.append(Expr(f"({' + '.join(f'FILL({i}, 0)' for i in invocations)}) * {scale}", "m_lreq", "", visible=False))
        lam.append(_over_free("m_lreq", price("lambda.requests"), "c_lreq", "requests"))
        costs = ["c_lreq"]
        pool_left = None
        # The free GB-seconds are one pool, spent on x86_64 first (a GB-second costs more there).
        for arch in ("x86_64", "arm64"):
            if arch not in gb_seconds:
                continue
            unit = price(f"lambda.duration.{arch}")
            gbs, free, cost = f"m_gbs_{arch[:3]}", f"m_free_{arch[:3]}", f"c_gbs_{arch[:3]}"
            lam.append(Expr(f"({' + '.join(gb_seconds[arch])}) * {scale}", gbs, "", visible=False))
            allowance = _num(unit.free) if pool_left is None else f"({_num(unit.free)} - {pool_left})"
            lam.append(Expr(f"IF({gbs} > {allowance}, {allowance}, {gbs})", free, "", visible=False))
            lam.append(Expr(f"({gbs} - {free}) * {_num(unit.usd)}", cost, "", visible=False))
            pool_left = free if pool_left is None else f"({pool_left} + {free})"
            costs.append(cost)
        lam.append(Expr(" + ".join(costs), "lambda_cost", "Lambda"))
        out.append(ServiceCost("Lambda", tuple(lam), "lambda_cost"))
    if any(f.rest_routes for f in ctx.stack.functions):
        rest: list[Line | Expr] = [_hidden(rest_metric(ctx.target, "Count", "Sum", period), "rest_requests")]
        rest.append(Expr(f"FILL(rest_requests, 0) * {scale}", "m_rest", "", visible=False))
        rest.append(_over_free("m_rest", price("apigateway.rest_requests"), "rest_cost", "REST API"))
        out.append(ServiceCost("REST API", tuple(rest), "rest_cost"))
    if any(f.websocket_routes for f in ctx.stack.functions):
        ws: list[Line | Expr] = [_hidden(websocket_metric(ctx.target, "MessageCount", "Sum", period), "ws_messages")]
        ws.append(Expr(f"FILL(ws_messages, 0) * {scale}", "m_ws", "", visible=False))
        ws.append(_over_free("m_ws", price("apigateway.websocket_messages"), "ws_cost", "WebSocket API"))
        out.append(ServiceCost("WebSocket API", tuple(ws), "ws_cost"))
    ddb, reads, writes = _table_units(ctx, period)
    ddb.append(Expr(f"({' + '.join(reads)}) * {scale}", "m_rru", "", visible=False))
    ddb.append(Expr(f"({' + '.join(writes)}) * {scale}", "m_wru", "", visible=False))
    ddb.append(_over_free("m_rru", price("dynamodb.read_request_units"), "c_rru", ""))
    ddb.append(_over_free("m_wru", price("dynamodb.write_request_units"), "c_wru", ""))
    ddb.append(Expr("c_rru + c_wru", "ddb_cost", "DynamoDB"))
    out.append(ServiceCost("DynamoDB", tuple(ddb), "ddb_cost"))
    return [_anchored(cost) for cost in out]


def _anchored(cost: ServiceCost) -> ServiceCost:
    anchor = next(s.id for s in cost.inputs if isinstance(s, Line) and s.id)
    inputs = tuple(
        Expr(s.expression.replace("ANCHOR", anchor), s.id, s.label, s.visible) if isinstance(s, Expr) else s
        for s in cost.inputs
    )
    return ServiceCost(cost.service, inputs, cost.cost_id)


def _monthly(cost: ServiceCost, label: str) -> Graph:
    hidden = tuple(s if isinstance(s, Line) else Expr(s.expression, s.id, s.label, visible=False) for s in cost.inputs)
    return Graph(
        f"{label}: projected monthly (USD)",
        (*hidden, Expr(cost.cost_id, "monthly", label)),
        width=4,
        height=4,
        view="singleValue",
        period_to_time_range=True,
    )


def projected_total(ctx: DashboardContext, width: int = 6) -> Graph:
    """One number: the projected month of the usage-based services, free tier applied (the
    figure ``ops cost project`` gives those meters for a tier of the current users)."""
    costs = monthly_costs(ctx)
    inputs: list[Line | Expr] = []
    for cost in costs:
        inputs.extend(
            s if isinstance(s, Line) else Expr(s.expression, s.id, s.label, visible=False) for s in cost.inputs
        )
    total = Expr(f"SUM([{', '.join(c.cost_id for c in costs)}])", "monthly", "projected monthly USD")
    return Graph(
        "Projected monthly cost (usage-based, free tier, USD)",
        (*inputs, total),
        width=width,
        height=4,
        view="singleValue",
        period_to_time_range=True,
    )


_BILLING_SERVICES = (
    "AWSLambda",
    "AmazonApiGateway",
    "AmazonDynamoDB",
    "AmazonS3",
    "AmazonCognito",
    "AmazonCloudWatch",
    "AWSXRay",
    "AmazonSNS",
    "awswaf",
    "awskms",
)


def month_to_date(width: int = 6) -> Graph:
    """AWS/Billing's estimate of this month's charges so far."""
    return Graph(
        "Month to date (AWS/Billing, USD)",
        (Line(billing_metric(), label="estimated charges", id="mtd"),),
        width=width,
        height=4,
        view="singleValue",
        period=21600,
        region="us-east-1",
    )


def dashboard(ctx: DashboardContext) -> Dashboard:
    """The Cost dashboard."""
    hourly = service_costs(ctx, 3600)
    monthly = tuple(_monthly(cost, cost.service) for cost in monthly_costs(ctx))
    daily_costs = service_costs(ctx, 86400)
    daily_series: list[Line | Expr] = []
    for cost in daily_costs:
        daily_series.extend(cost.inputs)
    daily = Graph(
        "Daily cost by service (USD, usage x first-tier price)",
        tuple(daily_series),
        width=24,
        height=7,
        view="bar",
        stacked=True,
        period=86400,
        start="-P30D",
    )
    hourly_series: list[Line | Expr] = []
    for cost in hourly:
        hourly_series.extend(cost.inputs)
    billing = Graph(
        "Estimated charges by service, month to date (AWS/Billing)",
        tuple(Line(billing_metric(service), label=service, id=ident("bill", service)) for service in _BILLING_SERVICES),
        width=18,
        height=6,
        period=21600,
        region="us-east-1",
        start="-P30D",
    )
    sheet = shipped_sheet()
    prices_text = ", ".join(f"{u.meter} {u.usd:g} USD/{u.unit}" for u in map(price, METERS))
    intro = Text(
        f"# {ctx.stack.name} ({ctx.target.stage}): cost\n"
        f"Prices: the project's price sheet {sheet.version} ({prices_text}). *Projected monthly* scales the selected"
        " range to a 730-hour month with the always-free allowances, as `ops cost project` does; hourly and daily"
        " graphs are usage x first-tier price without the free tier. What does not grow with users (dashboards,"
        " alarms, WAF, the KMS key) is `ops cost idle`; `ops cost` prices the whole bill."
        f" [Overview]({ctx.dashboard_link(OVERVIEW)})",
        height=3,
    )
    return Dashboard(
        name=ctx.name(COST),
        start="-P7D",
        sections=(
            Section("", (intro,), header=False),
            Section(
                "Projected monthly (selected range scaled to 730 hours, free tier applied)",
                (*monthly, projected_total(ctx, 4)),
            ),
            Section(
                "Cost per hour by service",
                (Graph("Hourly cost (USD)", tuple(hourly_series), width=24, height=6, period=3600),),
            ),
            Section("Daily cost, last 30 days", (daily,)),
            Section("Month to date (AWS/Billing)", (month_to_date(), billing)),
        ),
    )
