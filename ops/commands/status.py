"""`ops status`: what is wrong right now, on one screen; exit 1 while anything is in ALARM."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from ops.conventions import (
    EndpointUrlOption,
    Failed,
    FormatOption,
    InfoFileOption,
    OutputOption,
    ProfileOption,
    RegionOption,
    StageOption,
    emit,
)


def status(
    since: Annotated[str, typer.Option("--since", help="How far back to look (5m, 15m, 1h).")] = "15m",
    watch: Annotated[bool, typer.Option("--watch", help="Refresh the screen in place until Ctrl-C.")] = False,
    interval: Annotated[
        float, typer.Option("--interval", min=2.0, help="Seconds between refreshes with --watch.")
    ] = 15.0,
    stage: StageOption = "dev",
    region: RegionOption = None,
    profile: ProfileOption = None,
    endpoint_url: EndpointUrlOption = None,
    info_file: InfoFileOption = None,
    fmt: FormatOption = "table",
    output: OutputOption = None,
) -> None:
    """What is wrong right now: alarms not OK, each function's last minutes, the APIs, the most frequent
    errors in the logs, the last deployment, the dashboards.

    Shows ServiceHealth and every alarm not OK (since when, the value against its threshold, the runbook);
    per function its invocations, error rate, p90 duration against its timeout, throttles and cold-start
    rate; the REST and WebSocket APIs' error rates and latency; the error messages logged most often, each
    with an id to pass to `ops logs --correlation-id`. Exits 1 while an alarm is in ALARM, 0 otherwise, so
    scripts can use it. Targets the deployed stack of --stage, or the local twin with --info-file.
    """
    from infra import STACK

    from ops.commands.monitoring import target_of
    from ops.logs.window import parse_since
    from ops.status.collect import collect
    from ops.status.render import screen

    seconds = parse_since(since)
    aws, target = target_of(stage, info_file, region, endpoint_url, profile)
    hint = str(info_file) if info_file else None
    if watch:
        latest = _watch(lambda: collect(aws, target, STACK, stage, seconds, hint), screen, interval)
    else:
        latest = collect(aws, target, STACK, stage, seconds, hint)
        emit(latest.as_dict(), fmt, output=output, human=lambda: screen(latest))
    if not latest.healthy:
        names = ", ".join(a.name for a in latest.in_alarm)
        raise Failed(f"{len(latest.in_alarm)} alarm(s) in ALARM: {names}")


def _watch(read: Any, draw: Any, interval: float) -> Any:
    """Redraw ``draw(read())`` in place every ``interval`` seconds until Ctrl-C; the last reading."""
    import time

    from rich.console import Console, Group
    from rich.live import Live

    latest = read()
    with Live(Group(*draw(latest)), console=Console(), auto_refresh=False, screen=False) as live:
        try:
            while True:
                time.sleep(interval)
                latest = read()
                live.update(Group(*draw(latest)), refresh=True)
        except KeyboardInterrupt:
            pass
    return latest
