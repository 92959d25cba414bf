"""The dashboards' projected monthly cost and `ops cost project` agree on the same metrics: both
price with the one sheet in :mod:`kit`, a 730-hour month and the always-free allowances."""

from __future__ import annotations

import json
import re

import pytest
from infra import STACK
from typer.testing import CliRunner

from dashboards.build import context
from dashboards.cost import METERS, monthly_costs, projected_total
from dashboards.widgets import Expr, Line
from ops.cost.cli import app
from ops.cost.metrics_export import COLUMNS
from tests.unit.dashboards.synthetic import concrete_target

WINDOW = 86400  # one day of traffic, one datapoint per series
USERS = 100
# (metric name, the dimension value that names the resource) -> the day's Sum
TRAFFIC = {
    "Invocations": {"chat": 2_000_000, "websocket": 3_000_000, "auth": 100_000, "call": 50_000},
    "Duration": {"chat": 2_000_000 * 120, "websocket": 3_000_000 * 45, "auth": 100_000 * 300, "call": 50_000 * 80},
    "Count": 2_200_000,
    "MessageCount": 3_000_000,
    "ConsumedReadCapacityUnits": {None: 5_000_000, "GSI1": 1_000_000},
    "ConsumedWriteCapacityUnits": {None: 2_000_000, "GSI1": 1_000_000},
}


def _value(line: Line, target) -> float | None:
    dims = dict(line.metric.dimensions)
    wanted = TRAFFIC.get(line.metric.name)
    if wanted is None:
        return None
    if not isinstance(wanted, dict):
        return float(wanted)
    if "FunctionName" in dims:
        name = next(f.name for f in STACK.functions if target.function_name(f) == dims["FunctionName"])
        found = wanted.get(name)
    else:
        found = wanted.get(dims.get("GlobalSecondaryIndexName"))
    return None if found is None else float(found)


def evaluate(graph_inputs, target) -> dict[str, float]:
    """Evaluate a graph's metric math the way CloudWatch does for one datapoint over the range."""
    values: dict[str, float | None] = {}
    functions = {
        "FILL": lambda value, default: default if value is None else value,
        "SUM": lambda items: sum(items),
        "IF": lambda condition, yes, no: yes if condition else no,
        "PERIOD": lambda _: WINDOW,
    }
    for item in graph_inputs:
        if isinstance(item, Line):
            values[item.id] = _value(item, target)
        else:
            assert isinstance(item, Expr)
            assert re.fullmatch(r"[\w\s\.\+\-\*/\(\),\[\]>]+", item.expression), item.expression
            values[item.id] = eval(item.expression, {"__builtins__": {}}, {**functions, **values})
    return values


def _export(tmp_path, graph_inputs, target):
    rows = []
    for item in graph_inputs:
        if isinstance(item, Line) and (value := _value(item, target)) is not None:
            dims = ";".join(f"{k}={v}" for k, v in item.metric.dimensions)
            rows.append(f"2026-01-01T00:00:00Z,{item.metric.namespace},{item.metric.name},{dims},Sum,{value},{WINDOW}")
    rows.append(f"2026-01-01T00:00:00Z,ChatPlatform,ActiveUsers,service=auth,Maximum,{USERS},{WINDOW}")
    path = tmp_path / "usage.csv"
    path.write_text("\n".join([",".join(COLUMNS), *rows]) + "\n")
    return path


@pytest.mark.parametrize("free_tier", ["always"])
def test_dashboard_projected_cost_and_ops_cost_project_agree_within_1_percent(tmp_path, monkeypatch, free_tier):
    monkeypatch.chdir(tmp_path)  # no warmup.yaml here
    target = concrete_target(STACK, "prod")
    ctx = context(STACK, "prod", target=target)
    graph = projected_total(ctx)
    dashboard = evaluate(graph.series, target)["monthly"]

    export = str(_export(tmp_path, graph.series, target))
    args = ["project", "--metrics", export, "--tiers", f"now={USERS}", "--free-tier", free_tier]
    result = CliRunner().invoke(app, [*args, "--no-warmup", "--stage", "prod", "-f", "json"])
    assert result.exit_code == 0, result.stderr
    tier = json.loads(result.stdout)["tiers"][0]
    lines = [line for s in tier["services"].values() for line in s["lines"] if line["meter"] in METERS]
    projected = sum(line["cost"] for line in lines)

    assert {line["meter"] for line in lines} >= {"lambda.requests", "lambda.duration.arm64", "apigateway.rest_requests"}
    assert projected > 100  # large enough that a 1 % gap is not rounding
    print(f"dashboard {dashboard:.2f} vs ops cost project {projected:.2f}")
    assert dashboard == pytest.approx(projected, rel=0.01)
    # And per service, so that two errors cannot cancel out.
    per_service = {cost.service: cost.cost_id for cost in monthly_costs(ctx)}
    values = evaluate(graph.series, target)
    lambda_lines = sum(line["cost"] for line in tier["services"]["lambda"]["lines"] if line["meter"] in METERS)
    assert values[per_service["Lambda"]] == pytest.approx(lambda_lines, rel=0.01)
    ddb = sum(line["cost"] for line in tier["services"]["dynamodb"]["lines"] if "request_units" in line["meter"])
    assert values[per_service["DynamoDB"]] == pytest.approx(ddb, rel=0.01)
