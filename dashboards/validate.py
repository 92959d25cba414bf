"""An offline validator of dashboard bodies against CloudWatch's rules.

CloudWatch's emulators accept any JSON, and CloudWatch itself reports only the first problem
at deploy time; this checks the whole body before anything is sent:

- the grid: 24 columns, ``x + width <= 24``, sizes in range, no two widgets overlapping;
- the limits: at most 500 widgets and 2,500 metrics per dashboard, 500 per graph, 100 alarms
  per alarm widget;
- metric arrays: ``[namespace, name, (dimension, value)*, {options}?]`` or
  ``[{"expression": ...}]``; valid statistics, periods and ids; expressions referring only to
  ids of the same graph;
- a region on every metric and log widget (a real region code, or ``${AWS::Region}`` in the
  template).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kit.expressions import ExpressionError, references
from kit.metrics import SIMPLE_STATS

MAX_WIDGETS = 500
MAX_METRICS = 2500
MAX_METRICS_PER_WIDGET = 500
MAX_ALARMS_PER_WIDGET = 100
MAX_DIMENSIONS = 30
GRID_COLUMNS = 24
MAX_HEIGHT = 1000
WIDGET_TYPES = ("metric", "text", "alarm", "log", "explorer")
VIEWS = ("timeSeries", "singleValue", "bar", "pie", "gauge", "table")
REGION = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$")
TEMPLATE_REGION = "${AWS::Region}"
ID = re.compile(r"^[a-z][a-zA-Z0-9_]*$")
NAME = re.compile(r"^[A-Za-z0-9_-]{1,255}$")
PERCENTILE = re.compile(r"^(p|tm|wm|tc|ts|pr)\d{1,2}(\.\d+)?$|^(p|tm|wm|tc|ts|pr)100$|^(TM|WM|TC|TS|PR)\(.+\)$")


@dataclass(frozen=True)
class Problem:
    """One broken rule: where (widget index, -1 for the dashboard) and what."""

    widget: int
    rule: str
    message: str

    def __str__(self) -> str:
        where = "dashboard" if self.widget < 0 else f"widget {self.widget}"
        return f"{where}: {self.message} [{self.rule}]"


class DashboardInvalid(ValueError):
    """A dashboard body breaks CloudWatch's rules."""

    def __init__(self, name: str, problems: Sequence[Problem]) -> None:
        self.name = name
        self.problems = list(problems)
        listed = "; ".join(str(p) for p in problems[:10])
        more = f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""
        super().__init__(f"dashboard {name!r} is invalid: {listed}{more}")


def valid_stat(stat: Any) -> bool:
    """A statistic CloudWatch knows (simple, or a percentile/trimmed statistic)."""
    return isinstance(stat, str) and (stat in SIMPLE_STATS or bool(PERCENTILE.match(stat)))


def valid_period(period: Any) -> bool:
    """A metric period CloudWatch accepts: 1, 5, 10, 30 or a multiple of 60 seconds."""
    return (
        isinstance(period, int)
        and not isinstance(period, bool)
        and (period in (1, 5, 10, 30) or (period >= 60 and period % 60 == 0))
    )


def valid_region(region: Any) -> bool:
    """A region code, or the template's region reference."""
    return isinstance(region, str) and (region == TEMPLATE_REGION or bool(REGION.match(region)))


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _grid(index: int, widget: Mapping[str, Any], problems: list[Problem]) -> tuple[int, int, int, int] | None:
    x, y, width, height = (widget.get(k) for k in ("x", "y", "width", "height"))
    if not all(_is_int(v) for v in (x, y, width, height)):
        problems.append(Problem(index, "grid", "x, y, width and height must be whole numbers"))
        return None
    assert isinstance(x, int)
    assert isinstance(y, int)
    assert isinstance(width, int)
    assert isinstance(height, int)
    if not 0 <= x < GRID_COLUMNS:
        problems.append(Problem(index, "grid", f"x={x} is outside the 24 columns"))
    if not 1 <= width <= GRID_COLUMNS:
        problems.append(Problem(index, "grid", f"width={width} must be 1 to 24"))
    if x + width > GRID_COLUMNS:
        problems.append(Problem(index, "grid", f"x + width = {x + width} exceeds the 24 columns"))
    if y < 0:
        problems.append(Problem(index, "grid", f"y={y} is negative"))
    if not 1 <= height <= MAX_HEIGHT:
        problems.append(Problem(index, "grid", f"height={height} must be 1 to {MAX_HEIGHT}"))
    return x, y, width, height


def _overlaps(boxes: list[tuple[int, tuple[int, int, int, int]]], problems: list[Problem]) -> None:
    ordered = sorted(boxes, key=lambda item: (item[1][1], item[1][0]))
    for position, (index, (x, y, w, h)) in enumerate(ordered):
        for other, (ox, oy, ow, oh) in ordered[position + 1 :]:
            if oy >= y + h:
                break
            if x < ox + ow and ox < x + w and y < oy + oh and oy < y + h:
                problems.append(Problem(max(index, other), "overlap", f"overlaps widget {min(index, other)}"))


def _metric_rows(index: int, rows: Any, problems: list[Problem]) -> int:
    if not isinstance(rows, list) or not rows:
        problems.append(Problem(index, "metrics", "a metric widget needs a non-empty 'metrics' array"))
        return 0
    if len(rows) > MAX_METRICS_PER_WIDGET:
        problems.append(
            Problem(index, "limit", f"{len(rows)} metrics in one graph (CloudWatch allows {MAX_METRICS_PER_WIDGET})")
        )
    ids: list[str] = []
    expressions: list[tuple[int, str]] = []
    for row_index, row in enumerate(rows):
        where = f"metrics[{row_index}]"
        if not isinstance(row, list) or not row:
            problems.append(Problem(index, "metric-shape", f"{where} must be a non-empty array"))
            continue
        options = row[-1] if isinstance(row[-1], dict) else None
        values = row[:-1] if options is not None else row
        if options is not None and "expression" in options:
            if values:
                problems.append(
                    Problem(index, "metric-shape", f"{where}: an expression row holds only its options object")
                )
            if not isinstance(options["expression"], str) or not options["expression"].strip():
                problems.append(Problem(index, "metric-shape", f"{where}: the expression must be a non-empty string"))
            else:
                expressions.append((row_index, options["expression"]))
        else:
            if len(values) < 2 or len(values) % 2:
                problems.append(
                    Problem(index, "metric-shape", f"{where}: expected namespace, name and dimension name/value pairs")
                )
            elif not all(isinstance(v, str) and v for v in values):
                problems.append(
                    Problem(index, "metric-shape", f"{where}: namespace, name and dimensions must be strings")
                )
            elif "." in values and row_index == 0:
                problems.append(
                    Problem(index, "metric-shape", f"{where}: '.' repeats the previous row, and there is none")
                )
            elif (len(values) - 2) // 2 > MAX_DIMENSIONS:
                problems.append(Problem(index, "metric-shape", f"{where}: more than {MAX_DIMENSIONS} dimensions"))
        if options is None:
            continue
        if "stat" in options and not valid_stat(options["stat"]):
            problems.append(Problem(index, "stat", f"{where}: unknown statistic {options['stat']!r}"))
        if "period" in options and not valid_period(options["period"]):
            problems.append(
                Problem(index, "period", f"{where}: period {options['period']!r} is not 1, 5, 10, 30 or n*60")
            )
        if "id" in options:
            if not isinstance(options["id"], str) or not ID.match(options["id"]):
                problems.append(
                    Problem(index, "id", f"{where}: id {options['id']!r} must start with a lowercase letter")
                )
            elif options["id"] in ids:
                problems.append(Problem(index, "id", f"{where}: id {options['id']!r} is used twice"))
            else:
                ids.append(options["id"])
        if "region" in options and not valid_region(options["region"]):
            problems.append(Problem(index, "region", f"{where}: region {options['region']!r} is not a region code"))
    for row_index, expression in expressions:
        try:
            missing = references(expression) - set(ids)
        except ExpressionError as error:
            problems.append(Problem(index, "expression", f"metrics[{row_index}]: {error}"))
            continue
        if missing:
            problems.append(
                Problem(
                    index, "expression", f"metrics[{row_index}]: refers to unknown id(s) {', '.join(sorted(missing))}"
                )
            )
    return len(rows)


def _properties(index: int, kind: str, props: Any, problems: list[Problem]) -> int:
    if not isinstance(props, dict):
        problems.append(Problem(index, "properties", "'properties' must be an object"))
        return 0
    if kind == "text":
        if not isinstance(props.get("markdown"), str) or not props["markdown"].strip():
            problems.append(Problem(index, "text", "a text widget needs markdown"))
        return 0
    if kind == "alarm":
        alarms = props.get("alarms")
        if not isinstance(alarms, list) or not alarms:
            problems.append(Problem(index, "alarm", "an alarm widget needs a non-empty 'alarms' array"))
        elif len(alarms) > MAX_ALARMS_PER_WIDGET:
            problems.append(Problem(index, "limit", f"{len(alarms)} alarms in one alarm widget (at most 100)"))
        elif not all(isinstance(a, str) and a.startswith("arn:") for a in alarms):
            problems.append(Problem(index, "alarm", "alarms are given by ARN"))
        return 0
    if not valid_region(props.get("region")):
        problems.append(Problem(index, "region", f"region {props.get('region')!r} is missing or not a region code"))
    if kind == "log":
        if not isinstance(props.get("query"), str) or "SOURCE" not in props["query"]:
            problems.append(Problem(index, "log", "a log widget needs a query with SOURCE"))
        return 0
    if kind != "metric":
        return 0
    if "period" in props and not valid_period(props["period"]):
        problems.append(Problem(index, "period", f"period {props['period']!r} is not 1, 5, 10, 30 or n*60"))
    if "stat" in props and not valid_stat(props["stat"]):
        problems.append(Problem(index, "stat", f"unknown statistic {props['stat']!r}"))
    if props.get("view", "timeSeries") not in VIEWS:
        problems.append(Problem(index, "view", f"unknown view {props.get('view')!r}"))
    for line in (props.get("annotations") or {}).get("horizontal") or []:
        if (
            not isinstance(line, dict)
            or isinstance(line.get("value"), bool)
            or not isinstance(line.get("value"), int | float)
        ):
            problems.append(Problem(index, "annotation", "a horizontal annotation needs a numeric value"))
    return _metric_rows(index, props.get("metrics"), problems)


def validate(name: str, body: Any) -> list[Problem]:
    """Every rule ``body`` (a parsed DashboardBody) breaks; empty when it is valid."""
    problems: list[Problem] = []
    if not NAME.match(name):
        problems.append(Problem(-1, "name", f"name {name!r}: 1-255 letters, digits, '-' or '_'"))
    if not isinstance(body, dict) or not isinstance(body.get("widgets"), list):
        return [*problems, Problem(-1, "body", "the body must be an object with a 'widgets' array")]
    widgets = body["widgets"]
    if len(widgets) > MAX_WIDGETS:
        problems.append(Problem(-1, "limit", f"{len(widgets)} widgets (CloudWatch allows {MAX_WIDGETS})"))
    if body.get("periodOverride", "auto") not in ("auto", "inherit"):
        problems.append(Problem(-1, "body", "periodOverride must be 'auto' or 'inherit'"))
    boxes: list[tuple[int, tuple[int, int, int, int]]] = []
    metrics = 0
    for index, widget in enumerate(widgets):
        if not isinstance(widget, dict):
            problems.append(Problem(index, "widget", "a widget must be an object"))
            continue
        kind = widget.get("type")
        if kind not in WIDGET_TYPES:
            problems.append(Problem(index, "widget", f"unknown widget type {kind!r}"))
            continue
        box = _grid(index, widget, problems)
        if box is not None:
            boxes.append((index, box))
        metrics += _properties(index, str(kind), widget.get("properties"), problems)
    _overlaps(boxes, problems)
    if metrics > MAX_METRICS:
        problems.append(Problem(-1, "limit", f"{metrics} metrics (CloudWatch allows {MAX_METRICS} per dashboard)"))
    return problems


def ensure_valid(name: str, body: Any) -> None:
    """Raise DashboardInvalid listing every problem of ``body``."""
    problems = validate(name, body)
    if problems:
        raise DashboardInvalid(name, problems)
