"""`ops dashboards`: CloudWatch dashboards from the stack model: render, deploy, diff, preview.

Where: ``--info-file`` targets the local twin; otherwise the deployed CloudFormation stack of
``--stage``. ``render`` needs no AWS at all.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ops.commands.monitoring import (
    ExitCodeOption,
    OutDirOption,
    ThresholdsOption,
    progress,
    report_drift,
    target_of,
    twin_target_of,
    unknown,
)
from ops.conventions import (
    EndpointUrlOption,
    FormatOption,
    InfoFileOption,
    ProfileOption,
    RegionOption,
    StageOption,
    TabularFormatOption,
    emit,
    ops_app,
)

app = ops_app("Dashboards generated from the stack model: render, deploy, diff, preview.")


def _rendered(stage: str, target: Any, thresholds_file: Path | None) -> list[Any]:
    from infra import STACK

    from alarms.config import load_thresholds
    from dashboards.build import build_dashboards
    from dashboards.render import render as render_bodies
    from kit.target import template_target

    target = target or template_target(STACK, stage)
    dashboards = build_dashboards(STACK, stage, target=target, thresholds=load_thresholds(stage, thresholds_file))
    return render_bodies(dashboards, target.region)


def _metrics(body: dict[str, Any]) -> int:
    return sum(len(w["properties"].get("metrics", [])) for w in body["widgets"] if w["type"] == "metric")


@app.command("render")
def render(
    out_dir: OutDirOption,
    stage: StageOption = "dev",
    info_file: InfoFileOption = None,
    thresholds: ThresholdsOption = None,
    fmt: TabularFormatOption = "table",
) -> None:
    """Write each dashboard body of STAGE to OUT/<name>.json, validated against CloudWatch's rules (the
    template's view of the names, or the twin's with --info-file). Same model, same bytes."""
    from infra import STACK

    from dashboards.render import write_files

    rendered = _rendered(stage, twin_target_of(stage, info_file), thresholds)
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
    emit(
        rows,
        fmt,
        columns=["name", "widgets", "metrics", "bytes", "file"],
        title=f"dashboards of {STACK.name} ({stage}) in {out_dir}",
    )


@app.command("deploy")
def deploy(
    stage: StageOption = "dev",
    info_file: InfoFileOption = None,
    region: RegionOption = None,
    endpoint_url: EndpointUrlOption = None,
    profile: ProfileOption = None,
    prune: Annotated[
        bool, typer.Option("--prune", help="Also delete dashboards under the stack's prefix the model no longer has.")
    ] = False,
    thresholds: ThresholdsOption = None,
    fmt: FormatOption = "table",
) -> None:
    """Put every dashboard of STAGE with the CloudWatch API (the template deploys them too; this is for the local
    twin and quick iterations)."""
    from dashboards.drift import deployed_bodies

    aws, target = target_of(stage, info_file, region, endpoint_url, profile)
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
    lines = [f"[green]put[/] {len(rendered)} dashboards into {target.region}: {', '.join(d.name for d in rendered)}"]
    lines += [f"[yellow]CloudWatch says:[/] {warning}" for warning in warnings]
    if deleted:
        lines.append(f"[red]deleted[/] {', '.join(deleted)}")
    emit({"put": [d.name for d in rendered], "deleted": deleted, "warnings": warnings}, fmt, human=lines)


@app.command("diff")
def diff(
    stage: StageOption = "dev",
    info_file: InfoFileOption = None,
    region: RegionOption = None,
    endpoint_url: EndpointUrlOption = None,
    profile: ProfileOption = None,
    thresholds: ThresholdsOption = None,
    exit_code: ExitCodeOption = False,
    fmt: FormatOption = "table",
) -> None:
    """Compare the dashboards the model generates with the deployed ones (missing, changed widgets by title,
    extra dashboards under the stack's prefix)."""
    from dashboards.drift import compare, deployed_bodies

    aws, target = target_of(stage, info_file, region, endpoint_url, profile)
    rendered = _rendered(stage, target, thresholds)
    drift = compare(rendered, deployed_bodies(aws.client("cloudwatch"), f"{target.prefix}-"), f"{target.prefix}-")
    report_drift("dashboard", drift, fmt, exit_code)


@app.command("preview")
def preview(
    out_dir: OutDirOption,
    stage: StageOption = "dev",
    info_file: InfoFileOption = None,
    region: RegionOption = None,
    endpoint_url: EndpointUrlOption = None,
    profile: ProfileOption = None,
    hours: Annotated[
        float, typer.Option("--hours", min=0.1, max=24 * 14, help="Time range to draw, ending now.")
    ] = 3.0,
    dashboard: Annotated[
        str, typer.Option("--dashboard", help="Which dashboard (name suffix): overview, function-chat, ...")
    ] = "overview",
    thresholds: ThresholdsOption = None,
    fmt: FormatOption = "table",
) -> None:
    """Draw PNG images (one per section, plus an index.html) of the overview from the metrics recorded in the
    local twin (--info-file) or a real account. Percentiles an emulator cannot compute are approximated and
    labelled (p50 ~ average, p90/p99 ~ maximum)."""
    from dashboards.preview import preview as draw

    aws, target = target_of(stage, info_file, region, endpoint_url, profile)
    rendered = _rendered(stage, target, thresholds)
    wanted = target.dashboard_name(dashboard)
    chosen = next((r for r in rendered if r.name == wanted), None)
    if chosen is None:
        raise unknown("dashboard", wanted, [r.name for r in rendered])
    clients: dict[str | None, Any] = {}

    def client_for(where: str | None) -> Any:
        if where not in clients:
            clients[where] = aws.client("cloudwatch", where)
        return clients[where]

    with progress() as bar:
        task = bar.add_task("preview", total=None)
        report = draw(chosen, out_dir, client_for, hours=hours, on_progress=lambda m: bar.update(task, description=m))
    lines = [
        f"[green]wrote[/] {len(report.files)} files to {out_dir} in {report.seconds:.1f} s"
        f" ({report.calls} CloudWatch calls)",
        f"open {report.files[-1]}",
    ]
    if report.approximated:
        lines.append(
            f"[yellow]approximated[/] (this endpoint computes no percentiles): {len(report.approximated)} series"
        )
    if report.empty_graphs:
        lines.append(
            f"[yellow]no data[/] yet for: {', '.join(report.empty_graphs[:8])}"
            + (" ..." if len(report.empty_graphs) > 8 else "")
        )
    data = {
        "files": [str(p) for p in report.files],
        "approximated": report.approximated,
        "empty_graphs": report.empty_graphs,
        "calls": report.calls,
        "seconds": round(report.seconds, 2),
    }
    emit(data, fmt, human=lines)
