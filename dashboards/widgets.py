"""Dashboard widgets as typed values, and their CloudWatch JSON.

A ``Graph`` holds ``Line``s (metrics) and ``Expr``s (metric math), plus the ``Threshold``s of
the alarms watching what it shows; ``Text``, ``AlarmStatus`` and ``LogQuery`` are the other
kinds. Positions are not part of a widget: ``dashboards.layout`` places them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from kit.metrics import MetricStat

Axis = Literal["left", "right"]
View = Literal["timeSeries", "singleValue", "bar"]

WARNING_COLOR = "#ff7f0e"
CRITICAL_COLOR = "#d62728"
LIMIT_COLOR = "#7f7f7f"


@dataclass(frozen=True)
class Line:
    """A metric drawn on a graph (``visible=False``: only an input of an expression)."""

    metric: MetricStat
    label: str = ""
    id: str | None = None
    visible: bool = True
    axis: Axis = "left"
    color: str | None = None


@dataclass(frozen=True)
class Expr:
    """A metric-math expression drawn on a graph."""

    expression: str
    id: str
    label: str
    visible: bool = True
    axis: Axis = "left"
    color: str | None = None


@dataclass(frozen=True)
class Threshold:
    """A horizontal line: an alarm threshold or a limit (timeout, concurrency)."""

    value: float
    label: str
    color: str = CRITICAL_COLOR
    axis: Axis = "left"


@dataclass(frozen=True)
class Graph:
    """A metric widget."""

    title: str
    series: tuple[Line | Expr, ...]
    width: int = 6
    height: int = 6
    view: View = "timeSeries"
    stacked: bool = False
    thresholds: tuple[Threshold, ...] = ()
    left_label: str = ""
    right_label: str = ""
    left_min: float | None = 0
    right_min: float | None = 0
    period: int = 60
    period_to_time_range: bool = False
    start: str | None = None
    region: str | None = None  # metrics living elsewhere (AWS/Billing: us-east-1)

    def properties(self, region: str) -> dict[str, Any]:
        """The widget's ``properties``."""
        metrics = [_metric_row(s) for s in self.series]
        props: dict[str, Any] = {
            "title": self.title,
            "view": self.view,
            "stacked": self.stacked,
            "region": self.region or region,
            "period": self.period,
            "metrics": metrics,
        }
        if self.view == "timeSeries":
            axis: dict[str, Any] = {"left": {"showUnits": False}}
            if self.left_min is not None:
                axis["left"]["min"] = self.left_min
            if self.left_label:
                axis["left"]["label"] = self.left_label
            if any(s.axis == "right" for s in self.series):
                axis["right"] = {"showUnits": False}
                if self.right_min is not None:
                    axis["right"]["min"] = self.right_min
                if self.right_label:
                    axis["right"]["label"] = self.right_label
            props["yAxis"] = axis
            props["legend"] = {"position": "bottom"}
        if self.thresholds:
            props["annotations"] = {
                "horizontal": [
                    {"label": t.label, "value": t.value, "color": t.color, "yAxis": t.axis} for t in self.thresholds
                ]
            }
        if self.period_to_time_range:
            props["setPeriodToTimeRange"] = True
        if self.start:
            props["start"] = self.start
        return props


def _metric_row(series: Line | Expr) -> list[Any]:
    options: dict[str, Any] = {}
    if isinstance(series, Expr):
        options = {"expression": series.expression, "id": series.id, "label": series.label}
        row: list[Any] = []
    else:
        metric = series.metric
        row = [metric.namespace, metric.name]
        for key, value in metric.dimensions:
            row += [key, value]
        options = {"stat": metric.stat, "period": metric.period}
        if series.id:
            options["id"] = series.id
        if series.label:
            options["label"] = series.label
        if metric.region:
            options["region"] = metric.region
    if not series.visible:
        options["visible"] = False
    if series.axis == "right":
        options["yAxis"] = "right"
    if series.color:
        options["color"] = series.color
    return [*row, options]


@dataclass(frozen=True)
class Text:
    """A markdown widget."""

    markdown: str
    width: int = 24
    height: int = 2

    def properties(self, region: str) -> dict[str, Any]:
        """The widget's ``properties``."""
        del region
        return {"markdown": self.markdown}


@dataclass(frozen=True)
class AlarmStatus:
    """An alarm status widget (at most 100 alarms, by ARN)."""

    title: str
    alarms: tuple[str, ...]
    width: int = 24
    height: int = 4

    def properties(self, region: str) -> dict[str, Any]:
        """The widget's ``properties``."""
        del region
        return {"title": self.title, "alarms": list(self.alarms), "sortBy": "stateUpdatedTimestamp"}


@dataclass(frozen=True)
class LogQuery:
    """A Logs Insights table over some log groups."""

    title: str
    log_groups: tuple[str, ...]
    query: str
    width: int = 24
    height: int = 6

    def properties(self, region: str) -> dict[str, Any]:
        """The widget's ``properties``."""
        sources = " | ".join(f"SOURCE '{group}'" for group in self.log_groups)
        return {"title": self.title, "query": f"{sources} | {self.query}", "region": region, "view": "table"}


Widget = Graph | Text | AlarmStatus | LogQuery

WIDGET_TYPES: dict[type, str] = {Graph: "metric", Text: "text", AlarmStatus: "alarm", LogQuery: "log"}


@dataclass(frozen=True)
class Section:
    """A titled group of widgets, laid out under a header row."""

    title: str
    widgets: tuple[Widget, ...]
    intro: str = ""
    header: bool = True

    @property
    def metric_count(self) -> int:
        """Metrics and expressions the section's graphs hold."""
        return sum(len(w.series) for w in self.widgets if isinstance(w, Graph))


@dataclass(frozen=True)
class Dashboard:
    """A named dashboard made of sections; ``dashboards.layout`` turns it into a body."""

    name: str
    sections: tuple[Section, ...]
    start: str = "-PT3H"
    period_override: str = "inherit"
    tags: dict[str, str] = field(default_factory=dict)

    def widgets(self) -> list[Widget]:
        """Every widget, in order."""
        return [w for s in self.sections for w in s.widgets]
