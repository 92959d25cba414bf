"""PNG previews of a dashboard from recorded metrics (the local twin's CloudWatch or AWS).

``preview(rendered, out_dir, client_for)`` fetches what the dashboard's graphs show, evaluates
their metric math locally (emulators return nothing for it), reads alarm states, and writes
one PNG per section plus an ``index.html`` that shows them in order.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dashboards.render import RenderedDashboard


@dataclass
class PreviewReport:
    """What the preview wrote and what it had to approximate."""

    files: list[Path] = field(default_factory=list)
    approximated: list[str] = field(default_factory=list)
    empty_graphs: list[str] = field(default_factory=list)
    calls: int = 0
    seconds: float = 0.0


def alarm_states(client: Any, names: list[str]) -> dict[str, str]:
    """State of each named alarm that exists (metric and composite)."""
    states: dict[str, str] = {}
    for start in range(0, len(names), 100):
        response = client.describe_alarms(AlarmNames=names[start : start + 100])
        for alarm in [*response.get("MetricAlarms", []), *response.get("CompositeAlarms", [])]:
            states[alarm["AlarmName"]] = alarm.get("StateValue", "INSUFFICIENT_DATA")
    return states


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "section"


def preview(
    rendered: RenderedDashboard,
    out_dir: Path,
    client_for: Callable[[str | None], Any],
    *,
    hours: float = 3.0,
    end: dt.datetime | None = None,
    on_progress: Callable[[str], None] | None = None,
) -> PreviewReport:
    """Draw ``rendered`` over the ``hours`` before ``end`` (now) into ``out_dir``."""
    from dashboards.preview.data import collect
    from dashboards.preview.draw import draw_section, sections

    started = time.perf_counter()
    say = on_progress or (lambda message: None)
    # up to the end of the current minute: what was just recorded (the demo's traffic) is drawn
    end = end or dt.datetime.now(dt.UTC).replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
    out_dir.mkdir(parents=True, exist_ok=True)
    report = PreviewReport()
    say("fetching metrics")
    graphs, fetched = collect(
        rendered.body,
        client_for,
        end=end,
        hours=hours,
        on_progress=lambda done, total: say(f"fetched {done}/{total}") if done == total or done % 25 == 0 else None,
    )
    report.calls = fetched.calls
    report.approximated = sorted({f"{m.namespace} {m.name} {note}" for m, note in fetched.approximated.items()})
    by_widget = {id(g.widget): g for g in graphs}
    report.empty_graphs = [
        str(g.widget["properties"].get("title")) for g in graphs if not any(line.series for line in g.lines)
    ]
    names = sorted(
        {
            str(arn).split(":alarm:", 1)[-1]
            for w in rendered.body["widgets"]
            if w["type"] == "alarm"
            for arn in w["properties"]["alarms"]
        }
    )
    say("reading alarm states")
    states = alarm_states(client_for(None), names) if names else {}
    groups = sections(rendered.body)
    for number, widgets in enumerate(groups, start=1):
        first = widgets[0]
        title = (
            str(first["properties"].get("markdown", "")).lstrip("#").splitlines()[0] if first["type"] == "text" else ""
        )
        path = out_dir / f"{rendered.name}-{number:02d}-{_slug(title)}.png"
        say(f"drawing {number}/{len(groups)}: {title.strip() or path.name}")
        report.files.append(draw_section(widgets, by_widget, states, path))
    index = out_dir / f"{rendered.name}.html"
    images = "\n".join(f'<img src="{html.escape(p.name)}" style="width:100%">' for p in report.files)
    stamp = end.strftime("%Y-%m-%d %H:%M UTC")
    index.write_text(
        f"<!doctype html><meta charset='utf-8'><title>{html.escape(rendered.name)}</title>"
        f"<h1>{html.escape(rendered.name)}</h1><p>{hours:g} h to {stamp}</p>\n{images}\n"
    )
    report.files.append(index)
    report.seconds = time.perf_counter() - started
    return report
