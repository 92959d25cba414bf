"""Everything `ops status` shows, for one target (a deployed stage, or the local twin)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from infra.model import Stack

from kit.target import Target
from ops.logs.window import TargetClock
from ops.status import alarm_states, deployment, errors, metrics
from ops.status.report import Status


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def dashboard_links(
    stack: Stack, stage: str, target: Target, alarm_set: Any, info_file: str | None = None
) -> dict[str, str]:
    """Each dashboard's console link (AWS), or how to draw it (the twin, which has no console)."""
    from dashboards.build import build_dashboards

    names = [d.name for d in build_dashboards(stack, stage, target=target, alarm_set=alarm_set)]
    if info_file is not None:
        preview = f"ops dashboards preview --stage {stage} --info-file {info_file} --out out/dashboards"
        return dict.fromkeys(names, preview)
    region = target.region
    console = f"https://{region}.console.aws.amazon.com/cloudwatch/home?region={region}"
    return {name: f"{console}#dashboards/dashboard/{name}" for name in names}


def collect(aws: Any, target: Target, stack: Stack, stage: str, since_s: float, info_file: str | None = None) -> Status:
    """The screen for ``target``: metrics over the last ``since_s`` seconds of its clock, log
    errors over the same span of traffic, the alarms as they stand now. Times shown are wall
    clock (a fast twin's window is shorter on it); ``info_file`` names the twin's file in hints."""
    from alarms.build import build_alarms

    clock = TargetClock.of(aws.info)
    span = metrics.window(clock.now(), since_s)
    wall_start = dt.datetime.fromtimestamp(clock.wall(span.start.timestamp()), dt.UTC)
    wall_end = dt.datetime.fromtimestamp(clock.wall(span.end.timestamp()), dt.UTC)
    where = "local twin" if aws.info else "AWS"
    status = Status(stage=stage, where=where, since_s=since_s, start=_iso(wall_start), end=_iso(wall_end))
    if clock.speed != 1.0:
        status.notes.append(
            f"the twin's clock runs {clock.speed:g}x: its last {since_s / 60:g} min are the last "
            f"{clock.wall_span(since_s):.0f} s of wall time"
        )
    alarm_set = build_alarms(stack, stage, target=target)
    runbooks = {spec.name: spec.runbook for spec in alarm_set}
    cloudwatch = aws.client("cloudwatch")
    status.alarms = alarm_states.not_ok(cloudwatch, f"{target.prefix}-", runbooks)
    readings = metrics.read(cloudwatch, stack, target, span)
    status.functions, status.apis = readings.functions, readings.apis
    if readings.note:
        status.notes.append(readings.note)
    groups = {f.name: target.log_group(f) for f in stack.functions}
    timeouts = {f.name: f.timeout_s * 1000.0 for f in stack.functions}
    start_ms, end_ms = int(wall_start.timestamp() * 1000), int(wall_end.timestamp() * 1000) + 1
    status.errors, more = errors.top_errors(aws.client("logs"), groups, timeouts, start_ms, end_ms)
    if more:
        status.notes.append(f"more than {errors.MAX_SCANNED} error lines in a function: its counts cover the latest")
    if aws.info:
        status.deployment = deployment.of_twin(aws.info, target.prefix)
    else:
        status.deployment = deployment.of_stack(aws.client("cloudformation"), target.prefix)
    status.dashboards = dashboard_links(stack, stage, target, alarm_set, info_file if aws.info else None)
    return status
