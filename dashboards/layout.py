"""Placing widgets on CloudWatch's 24-column grid, and splitting a dashboard before it reaches
CloudWatch's limits.

Each section gets a full-width header, then its widgets flow left to right and wrap; a row is
as tall as its tallest widget. ``split`` cuts a dashboard between sections (or inside one that
is too big alone) so that no part exceeds the widget or metric budget.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from dashboards.widgets import WIDGET_TYPES, Dashboard, Graph, Section, Text, Widget

GRID_COLUMNS = 24
HEADER_HEIGHT = 1


@dataclass(frozen=True)
class Budget:
    """How much one dashboard may hold (CloudWatch's limits by default)."""

    widgets: int = 500
    metrics: int = 2500


def _header(section: Section) -> Text | None:
    if not section.header:
        return None
    markdown = f"## {section.title}"
    if section.intro:
        markdown += f"\n{section.intro}"
    return Text(markdown, width=GRID_COLUMNS, height=HEADER_HEIGHT if not section.intro else HEADER_HEIGHT + 1)


def body(dashboard: Dashboard, region: str) -> dict[str, Any]:
    """The DashboardBody of ``dashboard`` (as a dict), widgets placed on the grid."""
    placed: list[dict[str, Any]] = []
    y = 0
    for section in dashboard.sections:
        header = _header(section)
        widgets: list[Widget] = list(section.widgets)
        if header is not None:
            placed.append(_place(header, 0, y, region))
            y += header.height
        x = row_height = 0
        for widget in widgets:
            width = min(widget.width, GRID_COLUMNS)
            if x + width > GRID_COLUMNS:
                y += row_height
                x = row_height = 0
            placed.append(_place(widget, x, y, region))
            x += width
            row_height = max(row_height, widget.height)
        y += row_height
    return {"start": dashboard.start, "periodOverride": dashboard.period_override, "widgets": placed}


def _place(widget: Widget, x: int, y: int, region: str) -> dict[str, Any]:
    return {
        "type": WIDGET_TYPES[type(widget)],
        "x": x,
        "y": y,
        "width": min(widget.width, GRID_COLUMNS),
        "height": widget.height,
        "properties": widget.properties(region),
    }


def _cost(section: Section) -> tuple[int, int]:
    widgets = len(section.widgets) + (1 if section.header else 0)
    return widgets, section.metric_count


def _chunks(section: Section, budget: Budget) -> list[Section]:
    """``section`` cut into pieces that each fit the budget (with their header)."""
    pieces: list[Section] = []
    current: list[Widget] = []
    metrics = 0
    for widget in section.widgets:
        count = len(widget.series) if isinstance(widget, Graph) else 0
        if count > budget.metrics:
            raise ValueError(f"widget {getattr(widget, 'title', '?')!r} alone holds {count} metrics")
        if current and (len(current) + 2 > budget.widgets or metrics + count > budget.metrics):
            pieces.append(replace(section, widgets=tuple(current)))
            current, metrics = [], 0
        current.append(widget)
        metrics += count
    pieces.append(replace(section, widgets=tuple(current)))
    return [
        replace(p, title=f"{section.title} ({n + 1}/{len(pieces)})") if len(pieces) > 1 else p
        for n, p in enumerate(pieces)
    ]


def split(dashboard: Dashboard, budget: Budget | None = None) -> list[Dashboard]:
    """``dashboard`` as one or more dashboards within ``budget`` (first part keeps the name,
    the others are ``<name>-2``, ``<name>-3``...)."""
    budget = budget or Budget()
    parts: list[list[Section]] = [[]]
    widgets = metrics = 0
    # One widget of every part is reserved for the note naming the parts.
    room = Budget(widgets=budget.widgets - 1, metrics=budget.metrics)
    for section in dashboard.sections:
        pieces = _chunks(section, room) if _too_big(section, room) else [section]
        for piece in pieces:
            piece_widgets, piece_metrics = _cost(piece)
            if parts[-1] and (widgets + piece_widgets > room.widgets or metrics + piece_metrics > room.metrics):
                parts.append([])
                widgets = metrics = 0
            parts[-1].append(piece)
            widgets += piece_widgets
            metrics += piece_metrics
    if len(parts) == 1:
        return [dashboard]
    names = [dashboard.name] + [f"{dashboard.name}-{n}" for n in range(2, len(parts) + 1)]
    out: list[Dashboard] = []
    for index, sections in enumerate(parts):
        note = Section(
            title="",
            header=False,
            widgets=(
                Text(
                    f"Part {index + 1} of {len(parts)} of **{dashboard.name}** (split to stay within CloudWatch's"
                    f" limits): {', '.join(names)}",
                    height=1,
                ),
            ),
        )
        out.append(replace(dashboard, name=names[index], sections=(note, *sections)))
    return out


def _too_big(section: Section, budget: Budget) -> bool:
    widgets, metrics = _cost(section)
    return widgets > budget.widgets or metrics > budget.metrics
