"""The Cost dashboard: usage metrics turned into dollars with metric math, next to what AWS
Billing says so far this month.

Per service, the cost of a period is usage times the first-tier unit price
(``dashboards.prices``): Lambda requests and GB-seconds (each function's memory and
architecture), REST requests, WebSocket messages, DynamoDB read and write units, S3 storage.
*Projected monthly* widgets use the whole selected time range as one period and scale it to
30 days (``cost * 2592000 / PERIOD``). *Month to date* is AWS/Billing ``EstimatedCharges``
(us-east-1, updated a few times a day, needs billing alerts enabled). Free tiers, tiered
discounts, Cognito MAUs, WebSocket connection minutes and observability itself are left to
``ops cost``, which prices the full bill.
"""

from __future__ import annotations

from dataclasses import dataclass

from alarms.metrics import (
    MetricStat,
    billing_metric,
    bucket_metric,
    lambda_metric,
    rest_metric,
    table_metric,
    websocket_metric,
)
from dashboards import prices
from dashboards.context import COST, OVERVIEW, DashboardContext
from dashboards.graphs import ident
from dashboards.widgets import Dashboard, Expr, Graph, Line, Section, Text

MONTH_SECONDS = 2592000  # 30 days
S3_STORAGE_PERIOD = 86400


@dataclass(frozen=True)
class ServiceCost:
    """The inputs and the cost expression (id ``cost_id``) of one service over ``period``."""

    service: str
    inputs: tuple[Line | Expr, ...]
    cost_id: str


def _hidden(metric: MetricStat, id_: str) -> Line:
    return Line(metric, id=id_, visible=False)


def _price(value: float) -> str:
    return f"{value:.10g}"


def service_costs(ctx: DashboardContext, period: int) -> list[ServiceCost]:
    """The cost of each service the stack has, over periods of ``period`` seconds."""
    target, stack = ctx.target, ctx.stack
    out: list[ServiceCost] = []
    lam: list[Line | Expr] = []
    terms: list[str] = []
    for function in stack.functions:
        inv, dur, cost = ident("inv", function.name), ident("dur", function.name), ident("lc", function.name)
        lam.append(_hidden(lambda_metric(target, function, "Invocations", "Sum", period), inv))
        lam.append(_hidden(lambda_metric(target, function, "Duration", "Sum", period), dur))
        gb_second = prices.LAMBDA_GB_SECOND[function.architecture].usd * function.memory_mb / 1024 / 1000
        expression = f"FILL({inv}, 0) * {_price(prices.LAMBDA_REQUEST.usd)} + FILL({dur}, 0) * {_price(gb_second)}"
        lam.append(Expr(expression, cost, f"{function.name}", visible=False))
        terms.append(cost)
    if terms:
        lam.append(Expr(f"SUM([{', '.join(terms)}])", "lambda_cost", "Lambda"))
        out.append(ServiceCost("Lambda", tuple(lam), "lambda_cost"))
    if any(f.rest_routes for f in stack.functions):
        out.append(
            ServiceCost(
                "REST API",
                (
                    _hidden(rest_metric(target, "Count", "Sum", period), "rest_requests"),
                    Expr(f"FILL(rest_requests, 0) * {_price(prices.REST_REQUEST.usd)}", "rest_cost", "REST API"),
                ),
                "rest_cost",
            )
        )
    if any(f.websocket_routes for f in stack.functions):
        out.append(
            ServiceCost(
                "WebSocket API",
                (
                    _hidden(websocket_metric(target, "MessageCount", "Sum", period), "ws_messages"),
                    Expr(f"FILL(ws_messages, 0) * {_price(prices.WEBSOCKET_MESSAGE.usd)}", "ws_cost", "WebSocket API"),
                ),
                "ws_cost",
            )
        )
    ddb: list[Line | Expr] = []
    units: list[str] = []
    scopes: list[str | None] = [None, *(i.name for i in stack.table.global_secondary_indexes)]
    for scope in scopes:
        reads, writes = ident("rcu", scope or "table"), ident("wcu", scope or "table")
        ddb.append(_hidden(table_metric(target, "ConsumedReadCapacityUnits", "Sum", period, index=scope), reads))
        ddb.append(_hidden(table_metric(target, "ConsumedWriteCapacityUnits", "Sum", period, index=scope), writes))
        units.append(
            f"FILL({reads}, 0) * {_price(prices.DYNAMODB_READ_UNIT.usd)} + FILL({writes}, 0) * "
            f"{_price(prices.DYNAMODB_WRITE_UNIT.usd)}"
        )
    ddb.append(Expr(" + ".join(units), "ddb_cost", "DynamoDB"))
    out.append(ServiceCost("DynamoDB", tuple(ddb), "ddb_cost"))
    size = bucket_metric(target, "BucketSizeBytes", "StandardStorage")
    out.append(
        ServiceCost(
            "S3 storage",
            (
                _hidden(size.with_period(max(period, S3_STORAGE_PERIOD)), "s3_bytes"),
                Expr(
                    f"FILL(s3_bytes, 0) / 1000000000 * {_price(prices.S3_STORAGE_GB_MONTH.usd)} * PERIOD(s3_bytes) / "
                    f"{MONTH_SECONDS}",
                    "s3_cost",
                    "S3 storage",
                ),
            ),
            "s3_cost",
        )
    )
    return out


def _monthly(cost: ServiceCost, label: str) -> Graph:
    anchor = next(s.id for s in cost.inputs if isinstance(s, Line) and s.id)
    hidden = tuple(s if isinstance(s, Line) else Expr(s.expression, s.id, s.label, visible=False) for s in cost.inputs)
    monthly = Expr(f"{cost.cost_id} * {MONTH_SECONDS} / PERIOD({anchor})", "monthly", label)
    return Graph(
        f"{label}: projected monthly (USD)",
        (*hidden, monthly),
        width=4,
        height=4,
        view="singleValue",
        period_to_time_range=True,
    )


def projected_total(ctx: DashboardContext, width: int = 6) -> Graph:
    """One number: the projected monthly cost of all services (usage-based)."""
    costs = service_costs(ctx, 3600)
    inputs: list[Line | Expr] = []
    for cost in costs:
        inputs.extend(
            s if isinstance(s, Line) else Expr(s.expression, s.id, s.label, visible=False) for s in cost.inputs
        )
    ids = ", ".join(c.cost_id for c in costs)
    anchor = next(s.id for s in inputs if isinstance(s, Line) and s.id)
    total = Expr(f"SUM([{ids}]) * {MONTH_SECONDS} / PERIOD({anchor})", "monthly", "projected monthly USD")
    return Graph(
        "Projected monthly cost (usage-based, USD)",
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
    monthly = tuple(_monthly(cost, cost.service) for cost in service_costs(ctx, 3600))
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
    prices_text = ", ".join(f"{p.meter} {p.usd:g} USD/{p.unit}" for p in prices.ALL)
    intro = Text(
        f"# {ctx.stack.name} ({ctx.target.stage}): cost\n"
        f"Usage-based figures multiply recorded usage by first-tier list prices (price sheet {prices.SHEET_VERSION}:"
        f" {prices_text}); no free tier. *Projected monthly* scales the selected time range to 30 days."
        " `ops cost` prices the whole bill (tiers, free tier, Cognito, logs, alarms)."
        f" [Overview]({ctx.dashboard_link(OVERVIEW)})",
        height=3,
    )
    return Dashboard(
        name=ctx.name(COST),
        start="-P7D",
        sections=(
            Section("", (intro,), header=False),
            Section("Projected monthly (selected range scaled to 30 days)", (*monthly, projected_total(ctx, 4))),
            Section(
                "Cost per hour by service",
                (Graph("Hourly cost (USD)", tuple(hourly_series), width=24, height=6, period=3600),),
            ),
            Section("Daily cost, last 30 days", (daily,)),
            Section("Month to date (AWS/Billing)", (month_to_date(), billing)),
        ),
    )
