"""Dashboards generated from the stack model: coverage, thresholds drawn, determinism, prices."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from infra import STACK

from alarms import build_alarms
from alarms.spec import AlarmSpec
from dashboards import build_dashboards, render
from dashboards.render import RenderedDashboard
from kit.target import template_target
from tests.unit.alarms.support import with_function
from tests.unit.dashboards.synthetic import concrete_target

REGION = "${AWS::Region}"


def _render(stack: Any = STACK, stage: str = "prod") -> list[RenderedDashboard]:
    target = template_target(stack, stage)
    return render(build_dashboards(stack, stage, target=target), target.region)


@pytest.fixture(scope="module")
def prod() -> list[RenderedDashboard]:
    return _render()


def _titles(dashboard: RenderedDashboard) -> list[str]:
    return [str(w["properties"].get("title", "")) for w in dashboard.body["widgets"]]


def _by_name(rendered: list[RenderedDashboard]) -> dict[str, RenderedDashboard]:
    return {d.name: d for d in rendered}


def test_the_expected_dashboards_exist(prod: list[RenderedDashboard]) -> None:
    names = set(_by_name(prod))
    assert {"chat-platform-prod-overview", "chat-platform-prod-cost", "chat-platform-prod-alarms"} <= names
    assert {f"chat-platform-prod-function-{f.name}" for f in STACK.functions} <= names


def test_the_overview_covers_every_part_of_the_stack(prod: list[RenderedDashboard]) -> None:
    overview = _by_name(prod)["chat-platform-prod-overview"]
    text = overview.text
    headers = [w["properties"]["markdown"].splitlines()[0] for w in overview.body["widgets"] if w["type"] == "text"]
    for section in (
        "REST API",
        "WebSocket API",
        "Lambda functions",
        "DynamoDB",
        "S3 bucket",
        "Cognito",
        "Business KPIs",
    ):
        assert f"## {section}" in headers
    for function in STACK.functions:
        assert f"{function.name}: duration (ms) vs timeout" in _titles(overview)
    assert '"function_name","chat-platform-prod-chat","service","chat"' in text  # ColdStart, exact dimensions
    assert "p99" in text
    assert any(w["type"] == "alarm" for w in overview.body["widgets"])
    for kpi in (
        "MessagesSent",
        "MessagesDelivered",
        "FanoutLatency",
        "CallsStarted",
        "CallsAnswered",
        "CallsMissed",
        "CallDuration",
    ):
        assert kpi in text
    assert "console.aws.amazon.com" in text and "runbooks.md" in text


def test_adding_a_function_adds_its_widgets_and_dashboard(prod: list[RenderedDashboard]) -> None:
    bigger = _by_name(_render(with_function()))
    assert "chat-platform-prod-function-search" in bigger
    assert "chat-platform-prod-function-search" not in _by_name(prod)
    new_titles = set(_titles(bigger["chat-platform-prod-overview"])) - set(
        _titles(_by_name(prod)["chat-platform-prod-overview"])
    )
    assert {
        "search: invocations, errors, error rate",
        "search: duration (ms) vs timeout",
        "search: concurrency, throttle rate",
    } <= new_titles
    assert '"chat-platform-prod-search"' in bigger["chat-platform-prod-cost"].text


def test_a_stack_without_websocket_routes_has_no_websocket_section() -> None:
    stack = replace(STACK, functions=tuple(replace(f, websocket_routes=()) for f in STACK.functions))
    overview = _by_name(_render(stack))["chat-platform-prod-overview"]
    assert "## WebSocket API" not in overview.text


def _widgets_drawing(rendered: list[RenderedDashboard], spec: AlarmSpec) -> list[dict[str, Any]]:
    """Metric widgets that draw ``spec``'s threshold on a graph of what ``spec`` watches."""
    found = []
    for dashboard in rendered:
        for widget in dashboard.body["widgets"]:
            if widget["type"] != "metric":
                continue
            props = widget["properties"]
            values = [a["value"] for a in props.get("annotations", {}).get("horizontal", [])]
            if not any(v == pytest.approx(spec.threshold) for v in values):
                continue
            rows = props["metrics"]
            watched = spec.metrics
            if all(any(_same(row, m) for row in rows) for m in watched):
                if spec.queries:
                    expression = next(q.expression for q in spec.queries if q.return_data)
                    head = (expression or "")[:3]
                    if not any(
                        isinstance(r[-1], dict) and str(r[-1].get("expression", "")).startswith(head) for r in rows
                    ):
                        continue
                found.append(widget)
    return found


def _same(row: list[Any], metric: Any) -> bool:
    values = row[:-1] if isinstance(row[-1], dict) else row
    options = row[-1] if isinstance(row[-1], dict) else {}
    dims = tuple((values[i], values[i + 1]) for i in range(2, len(values) - 1, 2))
    return (
        values[:2] == [metric.namespace, metric.name]
        and dims == metric.dimensions
        and options.get("stat") == metric.stat
        and options.get("period") == metric.period
    )


def test_every_alarm_threshold_is_drawn_on_a_graph_of_what_it_watches(prod: list[RenderedDashboard]) -> None:
    alarm_set = build_alarms(STACK, "prod")
    missing = [spec.name for spec in alarm_set.alarms if not _widgets_drawing(prod, spec)]
    assert missing == []


def test_every_metric_widget_has_the_region(prod: list[RenderedDashboard]) -> None:
    for dashboard in prod:
        for widget in dashboard.body["widgets"]:
            if widget["type"] == "metric":
                assert widget["properties"]["region"] in (REGION, "us-east-1")


def test_render_is_deterministic() -> None:
    first = [(d.name, d.text) for d in _render()]
    second = [(d.name, d.text) for d in _render()]
    assert first == second


def test_a_concrete_target_has_no_template_references() -> None:
    target = concrete_target(STACK, "prod")
    for dashboard in render(build_dashboards(STACK, "prod", target=target), target.region):
        assert "${" not in dashboard.text
