"""Drawing a dashboard body with matplotlib (Agg: no display needed), one PNG per section.

Widgets keep their grid position and size; graphs draw their lines, thresholds as dashed
lines and a right axis where the dashboard has one; single values print the latest value;
text widgets print their markdown with links reduced to their titles; alarm widgets list each
alarm with its state.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np

matplotlib.use("Agg")

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator

from dashboards.preview.data import GraphData

COLUMN_INCHES = 0.75
ROW_INCHES = 0.5
DPI = 72
STATE_COLORS = {"ALARM": "#d62728", "OK": "#2ca02c", "INSUFFICIENT_DATA": "#7f7f7f"}
_LINK = re.compile(r"\[([^\]]+)\]\([^)]+\)")
_PALETTE = ["#1f77b4", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"]


def sections(body: Mapping[str, Any]) -> list[list[dict[str, Any]]]:
    """The body's widgets grouped by section (a full-width text widget starts one)."""
    groups: list[list[dict[str, Any]]] = []
    for widget in body["widgets"]:
        starts = (
            widget["type"] == "text" and widget["width"] == 24 and str(widget["properties"]["markdown"]).startswith("#")
        )
        if starts or not groups:
            groups.append([])
        groups[-1].append(widget)
    return groups


def _title(ax: Axes, text: str) -> None:
    # A plain text artist: set_title would re-measure every axis to place itself.
    ax.text(0.0, 1.02, text, fontsize=9, transform=ax.transAxes, va="bottom", clip_on=False)


def _plain(markdown: str) -> str:
    return _LINK.sub(r"\1", markdown).replace("`", "").replace("**", "").replace("#", "").strip()


def _text(ax: Axes, widget: dict[str, Any]) -> None:
    ax.axis("off")
    lines = _plain(str(widget["properties"]["markdown"])).splitlines()
    if not lines:
        return
    ax.text(0.0, 0.95, lines[0], fontsize=13, fontweight="bold", va="top", transform=ax.transAxes)
    if len(lines) > 1:
        ax.text(0.0, 0.45, "\n".join(lines[1:])[:600], fontsize=8, va="top", wrap=True, transform=ax.transAxes)


def _alarms(ax: Axes, widget: dict[str, Any], states: Mapping[str, str]) -> None:
    ax.axis("off")
    _title(ax, widget["properties"].get("title", "alarms"))
    names = [str(arn).split(":alarm:", 1)[-1] for arn in widget["properties"]["alarms"]]
    columns = 4
    rows = max(1, (len(names) + columns - 1) // columns)
    for index, name in enumerate(names):
        state = states.get(name, "not deployed")
        x, y = (index // rows) / columns, 1 - (index % rows + 1) / (rows + 1)
        ax.text(x, y, "\u25cf", color=STATE_COLORS.get(state, "#bbbbbb"), fontsize=8, transform=ax.transAxes)
        short = name.split("-", 2)[-1] if name.count("-") >= 2 else name
        ax.text(x + 0.012, y, f"{short[:46]} ({state})", fontsize=6, transform=ax.transAxes)


def _single(ax: Axes, data: GraphData) -> None:
    ax.axis("off")
    _title(ax, data.widget["properties"].get("title", ""))
    values = [(line.label, line.series[max(line.series)]) for line in data.lines if line.series]
    if not values:
        ax.text(0.5, 0.4, "no data", ha="center", fontsize=12, color="#999999", transform=ax.transAxes)
        return
    for index, (label, value) in enumerate(values[:4]):
        ax.text(0.02, 0.55 - index * 0.3, f"{value:,.2f}", fontsize=16, fontweight="bold", transform=ax.transAxes)
        ax.text(0.02, 0.4 - index * 0.3, label, fontsize=7, color="#555555", transform=ax.transAxes)


def _graph(ax: Axes, data: GraphData) -> None:
    props = data.widget["properties"]
    _title(ax, props.get("title", ""))
    right: Axes | None = None
    drawn = 0
    for index, line in enumerate(data.lines):
        if not line.series:
            continue
        target = ax
        if line.axis == "right":
            right = right or ax.twinx()
            target = right
        times = sorted(line.series)
        # Day numbers, as matplotlib's date axis counts (converting datetimes one by one is slow).
        xs = np.asarray(times, dtype=float) / 86400.0
        ys = np.asarray([line.series[t] for t in times], dtype=float)
        style = "--" if line.note else "-"
        color = _PALETTE[index % len(_PALETTE)]
        if props.get("view") == "bar":
            target.bar(xs, ys, width=0.8 * props.get("period", 60) / 86400, label=line.label, color=color, alpha=0.7)
        else:
            target.plot(
                xs, ys, style, label=line.label, color=color, linewidth=1.2, marker="." if len(xs) < 3 else None
            )
        drawn += 1
    for threshold in (props.get("annotations") or {}).get("horizontal", []):
        axis = right if threshold.get("yAxis") == "right" and right is not None else ax
        if threshold.get("yAxis") == "right" and right is None:
            right = axis = ax.twinx()
        axis.axhline(threshold["value"], color=threshold.get("color", "#d62728"), linestyle=":", linewidth=1)
        axis.annotate(
            threshold.get("label", ""),
            (0.0, threshold["value"]),
            xycoords=("axes fraction", "data"),
            fontsize=6,
            color=threshold.get("color", "#d62728"),
            va="bottom",
        )
    if not drawn:
        ax.text(0.5, 0.5, "no data", ha="center", va="center", fontsize=10, color="#999999", transform=ax.transAxes)
    ax.set_xlim(data.start / 86400.0, data.end / 86400.0)
    ax.xaxis_date(tz=dt.UTC)
    ax.set_ylim(bottom=0)
    if right is not None:
        right.set_ylim(bottom=0)
        right.tick_params(labelsize=6)
        right.yaxis.set_major_locator(MaxNLocator(4))
    ax.tick_params(labelsize=6)
    ax.yaxis.set_major_locator(MaxNLocator(4))
    ax.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=3, maxticks=5))
    span = data.end - data.start
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%H:%M" if span <= 86400 else "%d %b"))
    ax.grid(alpha=0.25)
    handles, labels = ax.get_legend_handles_labels()
    if right is not None:
        more = right.get_legend_handles_labels()
        handles, labels = handles + more[0], labels + more[1]
    if handles:
        ax.legend(handles, labels, fontsize=5, loc="upper left", framealpha=0.6)
    for error in data.errors[:1]:
        ax.text(0.99, 0.02, error[:80], fontsize=5, color="#d62728", ha="right", transform=ax.transAxes)


def draw_section(
    widgets: Sequence[dict[str, Any]],
    graphs: Mapping[int, GraphData],
    states: Mapping[str, str],
    path: Path,
) -> Path:
    """Draw one section (widgets with their grid positions) into ``path``."""
    top = min(w["y"] for w in widgets)
    height = max(w["y"] + w["height"] for w in widgets) - top
    figure = plt.figure(figsize=(24 * COLUMN_INCHES, max(1, height) * ROW_INCHES), dpi=DPI)
    spec = figure.add_gridspec(max(1, height), 24, left=0.02, right=0.98, top=0.97, bottom=0.03, wspace=2.2, hspace=2.4)
    for widget in widgets:
        ax = figure.add_subplot(
            spec[widget["y"] - top : widget["y"] - top + widget["height"], widget["x"] : widget["x"] + widget["width"]]
        )
        kind = widget["type"]
        if kind == "text":
            _text(ax, widget)
        elif kind == "alarm":
            _alarms(ax, widget, states)
        elif kind == "metric":
            data = graphs[id(widget)]
            if widget["properties"].get("view") == "singleValue":
                _single(ax, data)
            else:
                _graph(ax, data)
        else:
            ax.axis("off")
            ax.text(0.5, 0.5, f"{kind} widget (not previewed)", ha="center", fontsize=8, transform=ax.transAxes)
    figure.savefig(path, dpi=DPI)
    plt.close(figure)
    return path
