"""The `ops status` screen (rich renderables), worst news first."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ops.status.report import AlarmRow, Status

MAX_INSUFFICIENT_NAMED = 8


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f}%"


def _ms(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value / 1000:.1f} s" if value >= 10_000 else f"{value:.0f} ms"


def _count(value: float) -> str:
    return f"{value:,.0f}"


def _ago(iso: str | None, now: dt.datetime) -> str:
    if not iso:
        return "-"
    when = dt.datetime.fromisoformat(iso.replace("Z", "+00:00"))
    minutes = int((now - when).total_seconds() // 60)
    age = f"{minutes} min ago" if minutes < 120 else f"{minutes // 60} h ago"
    return f"{when.strftime('%H:%M:%S')}Z ({age})"


def _value(alarm: AlarmRow) -> str:
    if alarm.composite:
        return "triggered by " + (", ".join(alarm.triggering) if alarm.triggering else "its children")
    if alarm.value is None:
        return alarm.reason[:80] if alarm.reason else "-"
    threshold = "-" if alarm.threshold is None else f"{alarm.threshold:g}"
    return f"{alarm.value:.4g} {alarm.comparison or 'vs'} {threshold}"


def _section(runbook: str | None) -> str:
    """The runbook's section (``#lambda_error_rate``) where a table has room for no more."""
    if not runbook:
        return "-"
    return "#" + runbook.rsplit("#", 1)[1] if "#" in runbook else runbook


def screen(status: Status, now: dt.datetime | None = None) -> list[Any]:
    """The renderables of ``status``, in reading order."""
    from rich.table import Table
    from rich.text import Text

    now = now or dt.datetime.now(dt.UTC)
    out: list[Any] = []
    firing = status.in_alarm
    verdict = (
        f"[bold red]UNHEALTHY[/]: {len(firing)} alarm(s) in ALARM"
        if firing
        else "[bold green]HEALTHY[/]: no alarm in ALARM"
    )
    out.append(
        f"[bold]{status.deployment.stack if status.deployment else status.stage}[/] ({status.where}) · "
        f"last {status.since_s / 60:g} min ({status.start} to {status.end}) · {verdict}"
    )
    if firing:
        table = Table(title="Alarms in ALARM", title_justify="left", expand=False)
        for column in ("alarm", "since", "value vs threshold", "runbook"):
            table.add_column(column, overflow="fold")
        for alarm in firing:
            name = f"{alarm.name} (composite)" if alarm.composite else alarm.name
            table.add_row(f"[red]{name}[/]", _ago(alarm.since, now), _value(alarm), _section(alarm.runbook))
        out.append(table)
        # Whole links under the table, one a line and never folded: a terminal can open them.
        out += [Text(f"runbook {_section(link)}: {link}") for link in dict.fromkeys(a.runbook for a in firing) if link]
    insufficient = [a.name for a in status.alarms if a.state != "ALARM"]
    if insufficient:
        named = ", ".join(insufficient[:MAX_INSUFFICIENT_NAMED])
        more = (
            f" and {len(insufficient) - MAX_INSUFFICIENT_NAMED} more"
            if len(insufficient) > MAX_INSUFFICIENT_NAMED
            else ""
        )
        out.append(
            f"[yellow]{len(insufficient)} alarm(s) in INSUFFICIENT_DATA[/] (too little traffic to judge): {named}{more}"
        )
    functions = Table(title=f"Functions, last {status.since_s / 60:g} min", title_justify="left")
    for column in (
        "function",
        "invocations",
        "errors",
        "error rate",
        "p90 duration / timeout",
        "throttles",
        "cold starts",
    ):
        functions.add_column(column, justify="left" if column == "function" else "right")
    for f in status.functions:
        share = f" ({_pct(f.p90_of_timeout)})" if f.p90_of_timeout is not None else ""
        errors = f"[red]{_count(f.errors)}[/]" if f.errors else "0"
        cold = f"{_count(f.cold_starts)} ({_pct(f.cold_start_rate)})" if f.invocations else _count(f.cold_starts)
        functions.add_row(
            f.function,
            _count(f.invocations),
            errors,
            _pct(f.error_rate),
            f"{_ms(f.p90_ms)} / {_ms(f.timeout_ms)}{share}",
            _count(f.throttles),
            cold,
        )
    out.append(functions)
    apis = Table(title="APIs", title_justify="left")
    for column in ("api", "requests", "server errors", "client errors", "error rate", "p90 latency"):
        apis.add_column(column, justify="left" if column == "api" else "right")
    for api in status.apis:
        apis.add_row(
            api.api,
            _count(api.requests),
            _count(api.server_errors),
            _count(api.client_errors),
            _pct(api.error_rate),
            _ms(api.p90_latency_ms),
        )
    out.append(apis)
    if status.errors:
        table = Table(title="Most frequent errors in the logs", title_justify="left")
        for column in ("count", "function", "message", "follow one with"):
            table.add_column(column, overflow="fold", justify="right" if column == "count" else "left")
        for error in status.errors:
            follow = f"ops logs --correlation-id {error.example_id}" if error.example_id else "-"
            table.add_row(str(error.count), error.function, Text(error.message), follow)
        out.append(table)
    else:
        out.append("[green]no ERROR lines[/] in the functions' logs over the window")
    if status.deployment:
        d = status.deployment
        note = f" · {d.note}" if d.note else ""
        out.append(f"[bold]Last deployment[/]: {d.stack} {d.status} at {d.time or '-'}{note}")
    links = set(status.dashboards.values())
    if len(links) == 1:  # the twin: one command draws them all
        out.append(Text(f"Dashboards ({', '.join(status.dashboards)}): {links.pop()}"))
    elif links:
        out.append("[bold]Dashboards[/]:")
        out.extend(Text(f"  {name}: {link}") for name, link in status.dashboards.items())
    out.extend(f"[dim]note: {note}[/]" for note in status.notes)
    return out
