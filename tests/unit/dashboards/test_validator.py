"""The offline validator rejects each broken CloudWatch rule; dashboards split before a limit."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from dashboards import build_dashboards, render, validate
from dashboards.layout import Budget, split
from dashboards.validate import DashboardInvalid, ensure_valid
from kit.target import template_target
from tests.unit.alarms.support import many_functions


def metric(x: int = 0, y: int = 0, width: int = 12, height: int = 6, **props: Any) -> dict[str, Any]:
    properties = {
        "region": "eu-west-1",
        "period": 60,
        "metrics": [
            ["AWS/Lambda", "Errors", "FunctionName", "f", {"id": "e", "stat": "Sum"}],
            ["AWS/Lambda", "Invocations", "FunctionName", "f", {"id": "i", "stat": "Sum", "visible": False}],
            [{"expression": "100 * e / i", "id": "rate", "label": "rate"}],
        ],
        "annotations": {"horizontal": [{"value": 5, "label": "critical"}]},
    }
    properties.update(props)
    return {"type": "metric", "x": x, "y": y, "width": width, "height": height, "properties": properties}


def body(*widgets: dict[str, Any]) -> dict[str, Any]:
    return {"widgets": list(widgets), "periodOverride": "inherit"}


def rules(value: dict[str, Any], name: str = "ok-name") -> set[str]:
    return {p.rule for p in validate(name, value)}


def test_a_valid_body_passes() -> None:
    text = {"type": "text", "x": 0, "y": 6, "width": 24, "height": 1, "properties": {"markdown": "# hi"}}
    alarm = {
        "type": "alarm",
        "x": 12,
        "y": 0,
        "width": 12,
        "height": 6,
        "properties": {"alarms": ["arn:aws:cloudwatch:eu-west-1:1:alarm:a"]},
    }
    assert validate("ok-name", body(metric(), alarm, text)) == []


@pytest.mark.parametrize(
    ("widget", "rule"),
    [
        (metric(x=20, width=8), "grid"),  # x + width > 24
        (metric(x=24, width=1), "grid"),
        (metric(width=0), "grid"),
        (metric(height=0), "grid"),
        (metric(x=1.5), "grid"),
        (metric(period=45), "period"),
        (metric(metrics=[["AWS/Lambda", "Errors", {"period": 90}]]), "period"),
        (metric(metrics=[["AWS/Lambda", "Errors", {"stat": "Median"}]]), "stat"),
        (metric(metrics=[["AWS/Lambda", "Errors", "FunctionName"]]), "metric-shape"),  # a dimension without value
        (metric(metrics=[["AWS/Lambda", 7]]), "metric-shape"),
        (metric(metrics=[[".", "Errors"]]), "metric-shape"),  # nothing to repeat
        (metric(metrics=[["AWS/Lambda", "Errors", {"expression": "m1"}]]), "metric-shape"),
        (metric(metrics=[]), "metrics"),
        (metric(metrics=[["A", "B", {"id": "x"}], ["A", "C", {"id": "x"}]]), "id"),
        (metric(metrics=[["A", "B", {"id": "Upper"}]]), "id"),
        (metric(metrics=[["A", "B", {"id": "a"}], [{"expression": "a + b", "id": "c"}]]), "expression"),
        (metric(metrics=[[{"expression": "a +", "id": "c"}]]), "expression"),
        (metric(region=None), "region"),
        (metric(region="Ireland"), "region"),
        (metric(metrics=[["A", "B", {"region": "mars-1"}]]), "region"),
        (metric(view="donut"), "view"),
        (metric(annotations={"horizontal": [{"label": "x"}]}), "annotation"),
        (metric(metrics=[["A", "B"]] * 501), "limit"),
        ({"type": "text", "x": 0, "y": 0, "width": 1, "height": 1, "properties": {"markdown": " "}}, "text"),
        ({"type": "alarm", "x": 0, "y": 0, "width": 1, "height": 1, "properties": {"alarms": ["a"]}}, "alarm"),
        (
            {
                "type": "alarm",
                "x": 0,
                "y": 0,
                "width": 1,
                "height": 1,
                "properties": {"alarms": [f"arn:{n}" for n in range(101)]},
            },
            "limit",
        ),
        (
            {
                "type": "log",
                "x": 0,
                "y": 0,
                "width": 1,
                "height": 1,
                "properties": {"region": "eu-west-1", "query": "fields @message"},
            },
            "log",
        ),
        ({"type": "chart", "x": 0, "y": 0, "width": 1, "height": 1, "properties": {}}, "widget"),
    ],
)
def test_each_broken_rule_is_rejected(widget: dict[str, Any], rule: str) -> None:
    assert rule in rules(body(widget))


def test_overlapping_widgets_are_rejected() -> None:
    assert "overlap" in rules(body(metric(x=0, y=0), metric(x=6, y=3)))
    assert "overlap" not in rules(body(metric(x=0, y=0), metric(x=12, y=0), metric(x=0, y=6)))


def test_dashboard_limits_and_name() -> None:
    many = [metric(x=0, y=row, width=1, height=1, metrics=[["A", "B"]]) for row in range(501)]
    assert "limit" in rules(body(*many))
    heavy = [metric(x=0, y=6 * n, metrics=[["A", "B", "D", str(k)] for k in range(500)]) for n in range(6)]
    problems = validate("ok-name", body(*heavy))
    assert any(p.rule == "limit" and "2,500" in p.message.replace("2500", "2,500") for p in problems)
    assert "name" in rules(body(metric()), "bad name!")
    assert "body" in rules({"widgets": "none"})
    assert "body" in rules({"widgets": [], "periodOverride": "sometimes"})


def test_ensure_valid_lists_every_problem() -> None:
    broken = body(metric(x=20, width=8, period=45))
    with pytest.raises(DashboardInvalid) as error:
        ensure_valid("d", broken)
    assert {p.rule for p in error.value.problems} == {"grid", "period"}
    assert "x + width = 28" in str(error.value)


def test_the_template_region_reference_is_accepted() -> None:
    assert validate("ok-name", body(metric(region="${AWS::Region}"))) == []


def test_a_large_stack_is_split_before_any_limit() -> None:
    stack = many_functions(140)
    target = template_target(stack, "prod")
    dashboards = build_dashboards(stack, "prod", target=target)
    overview = dashboards[0]
    parts = split(overview)
    assert len(parts) > 1
    assert [p.name for p in parts][:2] == ["chat-platform-prod-overview", "chat-platform-prod-overview-2"]
    rendered = render([overview], target.region)  # validates every part
    assert len(rendered) == len(parts)
    widgets = sum(len(r.body["widgets"]) for r in rendered)
    assert widgets >= len(overview.widgets())
    assert all(len(r.body["widgets"]) <= 500 for r in rendered)


def test_a_small_budget_splits_inside_a_section() -> None:
    stack = many_functions(6)
    overview = build_dashboards(stack, "prod")[0]
    parts = split(overview, Budget(widgets=12, metrics=2500))
    assert len(parts) > 2
    for part in parts:
        assert len(part.widgets()) + sum(1 for s in part.sections if s.header) <= 12
    before = [w for s in overview.sections for w in s.widgets]
    after = [
        w
        for p in parts
        for s in p.sections
        for w in s.widgets
        if not (len(s.widgets) == 1 and not s.header and s.title == "")
    ]
    assert len(after) >= len(before) - 1


def test_rendering_catches_a_broken_generator() -> None:
    dashboards = build_dashboards(many_functions(1), "prod")
    broken = copy.deepcopy(dashboards[0])
    from dataclasses import replace

    from dashboards.widgets import Graph, Line, Section
    from kit.metrics import MetricStat

    bad = Graph("bad", (Line(MetricStat("A", "B", (), "Median", 45)),))
    broken = replace(broken, sections=(*broken.sections, Section("extra", (bad,))))
    with pytest.raises(DashboardInvalid, match="stat"):
        render([broken], "eu-west-1")
