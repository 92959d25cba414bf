"""`ops cost`: price a month of usage, or project the monthly bill per user tier from metrics.

Exit codes: 0 done; 1 a tier is over its ``--budget``; 2 bad input (the message names the
file, key or option); 3 AWS could not be reached or refused a call.

Each command imports what it needs when it runs (boto3 only to reach AWS, pandas only to
read metrics, the template's contributors only to price a stage): the process's start is part
of what a user waits for (tests/bench/test_cost_bench.py).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

from ops.conventions import (
    EXIT_BAD_INPUT,
    EndpointUrlOption,
    Failed,
    InfoFileOption,
    OutputOption,
    ProfileOption,
    RegionOption,
    StageOption,
    TabularFormatOption,
    connect,
    emit,
    emit_text,
    format_option,
    ops_app,
)
from ops.conventions.options import OUTPUT_HELP
from ops.cost.errors import OptionError
from ops.cost.user_tiers import DEFAULT_TIERS

if TYPE_CHECKING:
    from rich.table import Table

    from kit.price_sheet import PriceSheet

app = ops_app("The monthly AWS bill: price explicit usage, or project it per user tier from usage metrics.")
prices_app = ops_app("The versioned price sheet: show it, or rebuild it from the AWS Price List API.")
app.add_typer(prices_app, name="prices")


class FreeTier(StrEnum):
    """Free-tier modes."""

    none = "none"
    always = "always"
    legacy = "legacy"


class Plan(StrEnum):
    """Cognito user pool feature plans."""

    lite = "lite"
    essentials = "essentials"
    plus = "plus"


FreeTierOption = Annotated[
    FreeTier,
    typer.Option(
        "--free-tier",
        help="none; always (always-free offers); legacy (plus the 12-month offers of accounts created "
        "before 15 July 2025).",
    ),
]
# The report formats: the shared names, plus a standalone HTML page.
ReportFormatOption = Annotated[Literal["table", "json", "csv", "markdown", "html"], format_option()]
PricesOption = Annotated[
    Path | None, typer.Option("--prices", help="Price sheet to use instead of the one shipped with ops.")
]


def _client(
    service: str,
    endpoint_url: str | None,
    region: str | None,
    profile: str | None = None,
    info_file: Path | None = None,
) -> Any:
    aws = connect(region=region, endpoint_url=endpoint_url, profile=profile, info_file=info_file)
    return aws.client(service)


def _us_east_1_client(client: Any, endpoint_url: str | None, profile: str | None, info_file: Path | None) -> Any:
    """A CloudWatch client in us-east-1, where CloudFront's metrics live, when ``client`` is
    elsewhere; None when ``client`` already is there."""
    if client.meta.region_name == "us-east-1":
        return None
    return _client("cloudwatch", endpoint_url, "us-east-1", profile, info_file)


@contextlib.contextmanager
def _progress_bar(description: str) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on standard error (standard output stays the report's)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task(description, total=None)

        def update(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        yield update


@app.command("estimate")
def estimate(
    usage: Annotated[Path, typer.Option("--usage", "-u", help="YAML file of one month's usage (docs/cost.md).")],
    free_tier: FreeTierOption = FreeTier.always,
    fmt: ReportFormatOption = "table",
    output: OutputOption = None,
    prices: PricesOption = None,
) -> None:
    """Price one month of explicit usage."""
    from kit.price_sheet import load_price_sheet
    from kit.pricing import price_usage
    from kit.usage import load_usage
    from ops.cost.reports import render_bill

    sheet = load_price_sheet(prices)
    bill = price_usage(load_usage(usage), sheet, free_tier.value)
    emit_text(render_bill(bill, fmt), output)


@app.command("project")
def project_command(
    cloudwatch: Annotated[bool, typer.Option("--cloudwatch", help="Read usage metrics from CloudWatch.")] = False,
    metrics: Annotated[
        Path | None, typer.Option("--metrics", help="Read usage metrics from an export (.csv or .parquet).")
    ] = None,
    endpoint_url: EndpointUrlOption = None,
    region: RegionOption = None,
    profile: ProfileOption = None,
    info_file: InfoFileOption = None,
    days: Annotated[
        int | None,
        typer.Option(
            "--days",
            min=1,
            max=455,
            help="With --cloudwatch: days to pull (default 14). With --metrics: days the export covers "
            "(default: the span of its timestamps).",
        ),
    ] = None,
    active_users: Annotated[
        float | None,
        typer.Option("--active-users", help="Active users behind the traffic (default: the app's ActiveUsers metric)."),
    ] = None,
    tiers: Annotated[str, typer.Option("--tiers", help="User tiers to price, NAME=USERS,...")] = DEFAULT_TIERS,
    budget: Annotated[
        list[str] | None,
        typer.Option("--budget", help="Fail (exit 1) when a tier costs more: NAME=USD, repeatable or comma-separated."),
    ] = None,
    free_tier: FreeTierOption = FreeTier.always,
    fmt: ReportFormatOption = "table",
    output: OutputOption = None,
    prices: PricesOption = None,
    months: Annotated[int, typer.Option("--months", min=1, help="Months of stored data (storage accumulates).")] = 12,
    cognito_plan: Annotated[
        Plan, typer.Option("--cognito-plan", help="The user pool's feature plan.")
    ] = Plan.essentials,
    stage: StageOption = "prod",
    minutes_per_connection: Annotated[
        float,
        typer.Option(
            "--minutes-per-connection", min=0, help="WebSocket minutes per connection without ConnectionMinutes."
        ),
    ] = 15.0,
    log_retention_days: Annotated[int, typer.Option("--log-retention-days", min=1, help="Log retention.")] = 30,
    warmup_policy: Annotated[
        Path | None,
        typer.Option(
            "--warmup-policy",
            help="Warm-up policy whose pings or provisioned concurrency every tier pays "
            "(default: warmup.yaml in the working directory, when there is one).",
        ),
    ] = None,
    no_warmup: Annotated[bool, typer.Option("--no-warmup", help="Leave the warm-up policy out.")] = False,
) -> None:
    """Project the monthly bill of each user tier from usage metrics; every tier also pays the idle
    resources (dashboards, alarms, WAF, key...) of the --stage's template (default prod)."""
    from infra import STACK

    from kit.price_sheet import load_price_sheet
    from ops.cost.catalogue import GAUGES
    from ops.cost.fixed_costs import observability_usage
    from ops.cost.idle import idle_fixed_usage, template_of
    from ops.cost.inventory import traffic_usage
    from ops.cost.metrics_export import read_metrics
    from ops.cost.observed import observe
    from ops.cost.projection import ProjectionOptions, project
    from ops.cost.rates import RateAssumptions, per_user_rates
    from ops.cost.reports import render_projection
    from ops.cost.reports.numbers import money
    from ops.cost.scheduled_usage import scheduled_fixed_usage
    from ops.cost.series import summarise
    from ops.cost.user_tiers import parse_budgets, parse_tiers
    from ops.cost.warmup_usage import DEFAULT_POLICY, warmup_fixed_usage

    if cloudwatch == (metrics is not None):
        raise OptionError("give exactly one source of metrics: --cloudwatch or --metrics FILE")
    if active_users is not None and active_users <= 0:
        raise OptionError(f"--active-users: must be a positive number (got {active_users:g})")
    sheet = load_price_sheet(prices)
    tier_list = parse_tiers(tiers)
    budgets = parse_budgets(budget or [], tier_list)
    _check_stage(stage, STACK)
    if metrics is not None:
        frame = read_metrics(metrics)
        window = None if days is None else days * 24.0
    else:
        from ops.cost.cloudwatch import pull_metrics

        client = _client("cloudwatch", endpoint_url, region, profile, info_file)
        with _progress_bar("pulling metrics") as progress:
            us_east_1 = _us_east_1_client(client, endpoint_url, profile, info_file)
            frame, _, _ = pull_metrics(client, STACK, days or 14, progress=progress, us_east_1_client=us_east_1)
        window = (days or 14) * 24.0
    observed = observe(summarise(frame, GAUGES), STACK, window)
    rates = per_user_rates(observed, active_users, RateAssumptions(minutes_per_connection=minutes_per_connection))
    template = template_of(STACK, stage)
    # The app's own metrics as measured; dashboards, alarms, the key and the web ACL from the
    # stage's template (ops.cost.inventory), never guessed or counted in the account.
    fixed = [observability_usage(custom_metrics=observed.custom_metrics), idle_fixed_usage(STACK, stage, template)]
    # The canary runs every minute whatever the users: every tier pays for it.
    fixed += scheduled_fixed_usage(STACK)
    if not no_warmup:
        policy = warmup_policy or (DEFAULT_POLICY if DEFAULT_POLICY.exists() else None)
        if policy is not None:
            fixed += warmup_fixed_usage(policy, STACK)
    options = ProjectionOptions(
        months_of_data=months,
        cognito_plan=cognito_plan.value,
        log_retention_days=log_retention_days,
        free_tier=free_tier.value,
        point_in_time_recovery=STACK.table.point_in_time_recovery,
    )
    derived = [partial(traffic_usage, template)]
    projection = project(rates, STACK, tier_list, sheet, options, fixed, budgets, derived=derived)
    text = render_projection(projection, fmt)
    emit_text(text, output)
    over = [
        f"over budget: {tier.tier.name} costs {money(tier.total)} a month, budget {money(tier.budget or 0)}"
        for tier in projection.over_budget
    ]
    if over:
        raise Failed(*over)


def _check_stage(stage: str, stack: Any) -> None:
    known = [s.name for s in stack.stages]
    if stage not in known:
        raise OptionError(f"--stage: unknown stage {stage!r} (known: {', '.join(known)})")


@app.command("idle")
def idle_command(
    stage: StageOption,
    free_tier: FreeTierOption = FreeTier.always,
    fmt: ReportFormatOption = "table",
    output: OutputOption = None,
    prices: PricesOption = None,
) -> None:
    """Price STAGE's month with zero users, from its synthesized template: every line with its meter."""
    from infra import STACK

    from kit.price_sheet import load_price_sheet
    from ops.cost.idle import idle_month
    from ops.cost.reports.idle import RENDERERS

    _check_stage(stage, STACK)
    month = idle_month(STACK, stage, load_price_sheet(prices), free_tier.value)
    emit_text(RENDERERS[fmt](month), output)


@app.command("export-metrics")
def export_metrics(
    output: Annotated[Path, typer.Option("--output", "-o", help=OUTPUT_HELP)],
    endpoint_url: EndpointUrlOption = None,
    region: RegionOption = None,
    profile: ProfileOption = None,
    info_file: InfoFileOption = None,
    days: Annotated[int, typer.Option("--days", min=1, max=455, help="Days to pull.")] = 14,
    period: Annotated[int, typer.Option("--period", min=60, help="Seconds per datapoint (a multiple of 60).")] = 3600,
) -> None:
    """Write the stack's usage metrics from CloudWatch to OUTPUT (.csv or .parquet) in the export format."""
    from infra import STACK

    from ops.cost.cloudwatch import pull_metrics
    from ops.cost.metrics_export import export_format, write_metrics

    export_format(output)
    if period % 60:
        raise OptionError(f"--period: must be a multiple of 60 seconds (got {period})")
    client = _client("cloudwatch", endpoint_url, region, profile, info_file)
    with _progress_bar("pulling metrics") as progress:
        us_east_1 = _us_east_1_client(client, endpoint_url, profile, info_file)
        frame, start, end = pull_metrics(
            client, STACK, days, period=period, progress=progress, us_east_1_client=us_east_1
        )
    write_metrics(frame, output)
    series = (
        frame.groupby(["namespace", "metric", "dimensions", "statistic"], observed=True).ngroups if len(frame) else 0
    )
    window = f"{start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} UTC"
    typer.echo(f"wrote {len(frame):,} datapoints of {series} series ({window}) to {output}")


@prices_app.command("show")
def prices_show(prices: PricesOption = None, fmt: TabularFormatOption = "table", output: OutputOption = None) -> None:
    """List every meter of the price sheet with its price, free tier, date and source."""
    from kit.price_sheet import load_price_sheet

    sheet = load_price_sheet(prices)
    rows = [
        {
            "meter": meter.id,
            "prices": [
                {"price": str(tier.price), "upto": None if tier.upto is None else str(tier.upto)}
                for tier in meter.tiers
            ],
            "unit": meter.unit,
            "free_always": str(meter.free.always),
            "free_legacy": str(meter.free.legacy),
            "free_pool": meter.free.pool,
            "effective": meter.effective_date.isoformat(),
            "date_basis": meter.date_basis,
            "source": meter.source,
        }
        for meter in sheet.meters.values()
    ]
    emit(rows, fmt, output=output, human=lambda: _sheet_table(sheet))


@prices_app.command("refresh")
def prices_refresh(
    prices: PricesOption = None,
    output: OutputOption = None,
    endpoint_url: EndpointUrlOption = None,
    profile: ProfileOption = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Report what would change; write nothing.")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 2 when a meter could not be refreshed.")] = False,
) -> None:
    """Rebuild the price sheet from the AWS Price List API (pricing get_products) and write it over the sheet it
    read (--prices, else the shipped one), or to --output."""
    from kit.price_sheet import DEFAULT_SHEET, load_price_sheet
    from ops.cost.price_list import PRICING_API_REGION, refresh_sheet, write_sheet

    sheet = load_price_sheet(prices)
    client = _client("pricing", endpoint_url, PRICING_API_REGION, profile)
    result = refresh_sheet(client, sheet)
    target = output or prices or DEFAULT_SHEET
    if not dry_run:
        write_sheet(result.sheet, target)
    typer.echo(f"sheet {result.sheet.version}: {len(result.changed)} meter(s) changed price")
    for meter_id in result.changed:
        old, new = sheet.meters[meter_id], result.sheet.meters[meter_id]
        typer.echo(f"  {meter_id}: {_tier_text(old.tiers)} -> {_tier_text(new.tiers)}")
    for meter_id, why in result.unmatched:
        typer.echo(f"  kept {meter_id}: {why}", err=True)
    typer.echo("dry run: nothing written" if dry_run else f"wrote {target}")
    if strict and result.unmatched:
        raise typer.Exit(EXIT_BAD_INPUT)


def _tier_text(tiers: Any) -> str:
    from ops.cost.reports.numbers import quantity

    return " / ".join(f"{tier.price}" + ("" if tier.upto is None else f" to {quantity(tier.upto)}") for tier in tiers)


def _sheet_table(sheet: PriceSheet) -> Table:
    from rich.table import Table

    from ops.cost.reports.numbers import quantity, unit_price

    table = Table(
        title=f"Price sheet {sheet.version}: {sheet.region}, effective {sheet.effective_date.isoformat()}",
        title_justify="left",
    )
    for header in ("meter", "price", "unit", "free always", "free legacy", "effective", "source"):
        table.add_column(header, no_wrap=header != "source", overflow="fold")
    for meter in sheet.meters.values():
        per = meter.display_per
        price = "\n".join(
            unit_price(tier.price * per) + ("" if tier.upto is None else f" to {quantity(tier.upto)}")
            for tier in meter.tiers
        )
        unit = meter.unit if per == 1 else f"per {per:,} {meter.unit}"
        pool = sheet.pools.get(meter.free.pool or "")
        always = quantity(pool.always if pool else meter.free.always)
        table.add_row(
            meter.id,
            price,
            unit,
            always if always != "0" else "",
            quantity(meter.free.legacy) if meter.free.legacy else "",
            f"{meter.effective_date.isoformat()} ({meter.date_basis})",
            meter.source,
        )
    return table
