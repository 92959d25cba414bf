"""`ops dashboards`: CloudWatch dashboards from the stack model: render, deploy, diff, preview.

Where: ``--info-file`` (written by ``ops local up --info-file``) targets the local twin;
otherwise the deployed CloudFormation stack of ``--stage``. ``render`` needs no AWS at all.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from infra import STACK
from rich.table import Table

from ops.commands.alarms import (
    CliError,
    InfoFileOption,
    JsonOption,
    OutOption,
    ThresholdsOption,
    connect,
    errors,
    out,
    print_drift,
    print_json,
    progress,
)
from ops.commands.stack import EndpointOption, ProfileOption, RegionOption, StageOption, check_stage

app = typer.Typer(
    help="Dashboards generated from the stack model: render, deploy, diff, preview.", no_args_is_help=True
)


def _rendered(stage: str, target: Any, thresholds_file: Path | None) -> list[Any]:
    from alarms.config import load_thresholds
    from alarms.target import template_target
    from dashboards.build import build_dashboards
    from dashboards.render import render as render_bodies

    target = target or template_target(STACK, stage)
    dashboards = build_dashboards(STACK, stage, target=target, thresholds=load_thresholds(stage, thresholds_file))
    return render_bodies(dashboards, target.region)


def _metrics(body: dict[str, Any]) -> int:
    return sum(len(w["properties"].get("metrics", [])) for w in body["widgets"] if w["type"] == "metric")


@app.command("render")
def render(
    out_dir: OutOption,
    stage: StageOption = "dev",
    info_file: InfoFileOption = None,
    thresholds: ThresholdsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Write each dashboard body of STAGE to OUT/<name>.json, validated against CloudWatch's
    rules (the template's view of the names, or the twin's with --info-file). Same model, same bytes."""
    from dashboards.render import write_files

    with errors():
        check_stage(stage)
        target = connect(stage, info_file, None, None, None)[1] if info_file else None
        rendered = _rendered(stage, target, thresholds)
        paths = write_files(rendered, out_dir)
        rows = [
            {
                "name": r.name,
                "file": str(p),
                "widgets": len(r.body["widgets"]),
                "metrics": _metrics(r.body),
                "bytes": len(r.text),
            }
            for r, p in zip(rendered, paths, strict=True)
        ]
        if as_json:
            print_json(rows)
            return
        table = Table(title=f"dashboards of {STACK.name} ({stage}) in {out_dir}")
        for column in ("dashboard", "widgets", "metrics", "body bytes"):
            table.add_column(column, justify="left" if column == "dashboard" else "right")
        for row in rows:
            table.add_row(str(row["name"]), str(row["widgets"]), str(row["metrics"]), f"{row['bytes']:,}")
        out.print(table)


@app.command("deploy")
def deploy(
    stage: StageOption = "dev",
    info_file: InfoFileOption = None,
    region: RegionOption = None,
    endpoint_url: EndpointOption = None,
    profile: ProfileOption = None,
    prune: Annotated[
        bool, typer.Option("--prune", help="Also delete dashboards under the stack's prefix the model no longer has.")
    ] = False,
    thresholds: ThresholdsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Put every dashboard of STAGE with the CloudWatch API (the template deploys them too;
    this is for the local twin and quick iterations)."""
    from dashboards.drift import deployed_bodies

    with errors():
        aws, target = connect(stage, info_file, region, endpoint_url, profile)
        rendered = _rendered(stage, target, thresholds)
        cloudwatch = aws.client("cloudwatch")
        warnings: list[str] = []
        with progress() as bar:
            task = bar.add_task("putting dashboards", total=len(rendered))
            for dashboard in rendered:
                response = cloudwatch.put_dashboard(DashboardName=dashboard.name, DashboardBody=dashboard.text)
                warnings += [
                    f"{dashboard.name}: {m.get('Message')}" for m in response.get("DashboardValidationMessages", [])
                ]
                bar.advance(task)
        deleted: list[str] = []
        if prune:
            names = {d.name for d in rendered}
            deleted = sorted(n for n in deployed_bodies(cloudwatch, f"{target.prefix}-") if n not in names)
            if deleted:
                cloudwatch.delete_dashboards(DashboardNames=deleted)
        if as_json:
            print_json({"put": [d.name for d in rendered], "deleted": deleted, "warnings": warnings})
            return
        out.print(
            f"[green]put[/] {len(rendered)} dashboards into {target.region}: {', '.join(d.name for d in rendered)}"
        )
        for warning in warnings:
            out.print(f"[yellow]CloudWatch says:[/] {warning}")
        if deleted:
            out.print(f"[red]deleted[/] {', '.join(deleted)}")


@app.command("diff")
def diff(
    stage: StageOption = "dev",
    info_file: InfoFileOption = None,
    region: RegionOption = None,
    endpoint_url: EndpointOption = None,
    profile: ProfileOption = None,
    thresholds: ThresholdsOption = None,
    exit_code: Annotated[bool, typer.Option("--exit-code", help="Exit with 1 when anything differs.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Compare the dashboards the model generates with the deployed ones (missing, changed
    widgets by title, extra dashboards under the stack's prefix)."""
    from dashboards.drift import compare, deployed_bodies

    with errors():
        aws, target = connect(stage, info_file, region, endpoint_url, profile)
        rendered = _rendered(stage, target, thresholds)
        drift = compare(rendered, deployed_bodies(aws.client("cloudwatch"), f"{target.prefix}-"), f"{target.prefix}-")
        if as_json:
            print_json(drift.as_dict())
        else:
            print_drift("dashboard", drift.missing, drift.changed, drift.extra, drift.same)
        if exit_code and not drift.clean:
            raise typer.Exit(1)


@app.command("preview")
def preview(
    out_dir: OutOption,
    stage: StageOption = "dev",
    info_file: InfoFileOption = None,
    region: RegionOption = None,
    endpoint_url: EndpointOption = None,
    profile: ProfileOption = None,
    hours: Annotated[
        float, typer.Option("--hours", min=0.1, max=24 * 14, help="Time range to draw, ending now.")
    ] = 3.0,
    dashboard: Annotated[
        str, typer.Option("--dashboard", help="Which dashboard (name suffix): overview, function-chat, ...")
    ] = "overview",
    thresholds: ThresholdsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Draw PNG images (one per section, plus an index.html) of the overview from the metrics
    recorded in the local twin (--info-file) or a real account. Percentiles an emulator cannot
    compute are approximated and labelled (p50 ~ average, p90/p99 ~ maximum)."""
    from dashboards.preview import preview as draw

    with errors():
        aws, target = connect(stage, info_file, region, endpoint_url, profile)
        rendered = _rendered(stage, target, thresholds)
        wanted = target.dashboard_name(dashboard)
        chosen = next((r for r in rendered if r.name == wanted), None)
        if chosen is None:
            raise CliError(f"no dashboard {wanted!r} (known: {', '.join(r.name for r in rendered)})")
        clients: dict[str | None, Any] = {}

        def client_for(where: str | None) -> Any:
            if where not in clients:
                clients[where] = aws.client("cloudwatch", where)
            return clients[where]

        with progress() as bar:
            task = bar.add_task("preview", total=None)
            report = draw(
                chosen, out_dir, client_for, hours=hours, on_progress=lambda m: bar.update(task, description=m)
            )
        if as_json:
            print_json(
                {
                    "files": [str(p) for p in report.files],
                    "approximated": report.approximated,
                    "empty_graphs": report.empty_graphs,
                    "calls": report.calls,
                    "seconds": round(report.seconds, 2),
                }
            )
            return
        out.print(
            f"[green]wrote[/] {len(report.files)} files to {out_dir} in {report.seconds:.1f} s"
            f" ({report.calls} CloudWatch calls)"
        )
        out.print(f"open {report.files[-1]}")
        if report.approximated:
            out.print(
                f"[yellow]approximated[/] (this endpoint computes no percentiles): {len(report.approximated)} series"
            )
        if report.empty_graphs:
            out.print(
                f"[yellow]no data[/] yet for: {', '.join(report.empty_graphs[:8])}"
                + (" ..." if len(report.empty_graphs) > 8 else "")
            )
