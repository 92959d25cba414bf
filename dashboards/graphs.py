"""Graphs built from alarms, so that every alarm's threshold is drawn on a graph of exactly the
series it watches (same metrics, same statistic, same period, same expression)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from alarms.rules.base import number
from alarms.spec import AlarmSet, AlarmSpec
from dashboards.widgets import CRITICAL_COLOR, WARNING_COLOR, Axis, Expr, Graph, Line, Threshold
from kit.metrics import MetricStat


def ident(*parts: str) -> str:
    """A graph-local metric id (lowercase first letter; letters, digits, underscores)."""
    text = "_".join(re.sub(r"[^A-Za-z0-9]+", "_", p).strip("_") for p in parts if p).lower()
    return text if text[:1].isalpha() else f"m_{text}"


class AlarmIndex:
    """Finds the alarms of one check (and one function, or one scope) in an ``AlarmSet``."""

    def __init__(self, alarm_set: AlarmSet) -> None:
        self.alarm_set = alarm_set

    def find(self, check: str, *, function: str | None = None, scope: str | None = None) -> list[AlarmSpec]:
        """Warning and critical alarms of ``check`` (for ``function``; ``scope`` must start the slug)."""
        return [
            a
            for a in self.alarm_set.alarms
            if a.check == check
            and (function is None or a.function == function)
            and (scope is None or a.slug.startswith(f"{scope}-"))
        ]


def thresholds(specs: Sequence[AlarmSpec], axis: Axis = "left", *, scale: float = 1.0) -> tuple[Threshold, ...]:
    """One line per distinct (level, threshold) of ``specs``, warning before critical."""
    seen: dict[tuple[str, float], Threshold] = {}
    for spec in sorted(specs, key=lambda s: (s.severity != "warning", s.threshold)):
        value = spec.threshold * scale
        unit = "" if spec.unit == "count" else (spec.unit if spec.unit == "%" else f" {spec.unit}")
        key = (spec.severity, value)
        if key not in seen:
            color = WARNING_COLOR if spec.severity == "warning" else CRITICAL_COLOR
            seen[key] = Threshold(value, f"{spec.severity} {number(value)}{unit}", color, axis)
    return tuple(seen.values())


def alarm_series(
    spec: AlarmSpec, *, prefix: str, label: str, axis: Axis = "left", color: str | None = None
) -> list[Line | Expr]:
    """What ``spec`` watches, as graph series: its metric, or its inputs (hidden) and its
    expression, with ids prefixed so several alarms fit on one graph."""
    if spec.metric is not None:
        return [Line(spec.metric, label=label, id=ident(prefix, "value"), axis=axis, color=color)]
    renames = {q.id: ident(prefix, q.id) for q in spec.queries}
    out: list[Line | Expr] = []
    for query in spec.queries:
        if query.metric is not None:
            out.append(Line(query.metric, id=renames[query.id], visible=query.return_data, axis=axis))
        else:
            expression = query.expression or ""
            for old, new in renames.items():
                expression = re.sub(rf"\b{re.escape(old)}\b", new, expression)
            out.append(
                Expr(
                    expression,
                    renames[query.id],
                    label if query.return_data else query.label,
                    query.return_data,
                    axis,
                    color,
                )
            )
    return out


def metric_line(metric: MetricStat, label: str, prefix: str, *, axis: Axis = "left", color: str | None = None) -> Line:
    """A visible metric line with a graph-local id."""
    return Line(metric, label=label, id=ident(prefix), axis=axis, color=color)


def alarm_graph(title: str, specs: Sequence[AlarmSpec], *, prefix: str, label: str, width: int = 6) -> Graph | None:
    """A graph of what ``specs`` (the levels of one check on one resource) watch, with their
    thresholds; None when the check is off."""
    if not specs:
        return None
    return Graph(
        title,
        tuple(alarm_series(specs[0], prefix=prefix, label=label)),
        width=width,
        thresholds=thresholds(specs),
        period=specs[0].period,
    )
