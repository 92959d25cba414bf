"""`ops dashboards` against moto's server on 127.0.0.1, as if it were the local twin."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from infra import STACK
from typer.testing import CliRunner

from dashboards import build_dashboards, render
from kit.target import twin_target
from ops.cli import app
from tests.unit.alarms.support import client, twin_info
from tests.unit.dashboards.synthetic import body_metrics, business, put

runner = CliRunner()


def ops(*args: str) -> Any:
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_render_writes_the_same_bytes_twice(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    result = ops("dashboards", "render", "--out", str(first), "--stage", "prod", "--format", "json")
    assert result.exit_code == 0
    assert ops("dashboards", "render", "--out", str(second), "--stage", "prod").exit_code == 0
    files = sorted(p.name for p in first.iterdir())
    assert files == sorted(p.name for p in second.iterdir())
    assert "chat-platform-prod-overview.json" in files
    for name in files:
        assert (first / name).read_bytes() == (second / name).read_bytes()
    rows = json.loads(result.stdout)
    assert all(row["widgets"] <= 500 and row["metrics"] <= 2500 for row in rows)


def test_deploy_then_diff(info_file: Path, aws: str) -> None:
    result = ops("dashboards", "deploy", "--info-file", str(info_file), "--format", "json")
    assert result.exit_code == 0, result.output
    put = json.loads(result.stdout)["put"]
    assert "chat-platform-dev-overview" in put
    clean = ops("dashboards", "diff", "--info-file", str(info_file), "--exit-code")
    assert clean.exit_code == 0
    assert "no drift" in clean.stdout
    cloudwatch = client(aws, "cloudwatch")
    body = json.loads(cloudwatch.get_dashboard(DashboardName="chat-platform-dev-overview")["DashboardBody"])
    body["widgets"] = [w for w in body["widgets"] if w["properties"].get("title") != "REST requests"]
    cloudwatch.put_dashboard(DashboardName="chat-platform-dev-overview", DashboardBody=json.dumps(body))
    cloudwatch.put_dashboard(DashboardName="chat-platform-dev-old", DashboardBody=json.dumps({"widgets": []}))
    drift = ops("dashboards", "diff", "--info-file", str(info_file), "--format", "json", "--exit-code")
    assert drift.exit_code == 1
    report = json.loads(drift.stdout)
    assert report["changed"] == {"chat-platform-dev-overview": ["+ REST requests"]}
    assert report["extra"] == ["chat-platform-dev-old"]
    pruned = json.loads(
        ops("dashboards", "deploy", "--info-file", str(info_file), "--prune", "--format", "json").stdout
    )
    assert pruned["deleted"] == ["chat-platform-dev-old"]


def test_preview_draws_the_overview_from_recorded_metrics(info_file: Path, aws: str, tmp_path: Path) -> None:
    target = twin_target(STACK, twin_info(aws))
    (overview,) = [
        d for d in render(build_dashboards(STACK, "dev", target=target), target.region) if d.name.endswith("-overview")
    ]
    end = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
    put(client(aws, "cloudwatch"), body_metrics(overview.body) + business(STACK), end=end, minutes=60)
    out = tmp_path / "preview"
    result = ops(
        "dashboards", "preview", "--out", str(out), "--info-file", str(info_file), "--hours", "1", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    pngs = sorted(p for p in out.iterdir() if p.suffix == ".png")
    assert len(pngs) >= 8
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in pngs)
    assert (out / "chat-platform-dev-overview.html").exists()
    # moto computes no percentiles: they are approximated, and said so.
    assert any("p99 approximated by Maximum" in a for a in report["approximated"])
    assert "REST requests" not in report["empty_graphs"]


def test_preview_and_deploy_fail_clearly(info_file: Path, tmp_path: Path) -> None:
    unknown = runner.invoke(
        app, ["dashboards", "preview", "--out", str(tmp_path), "--info-file", str(info_file), "--dashboard", "nope"]
    )
    assert unknown.exit_code == 2
    assert "no dashboard 'chat-platform-dev-nope'" in unknown.output
    broken = tmp_path / "twin.json"
    broken.write_text("{not json")
    result = runner.invoke(app, ["dashboards", "deploy", "--info-file", str(broken)])
    assert result.exit_code == 2
    assert "is not JSON" in result.output
    assert "Traceback" not in result.output
    refused = runner.invoke(
        app, ["dashboards", "deploy", "--endpoint-url", "http://127.0.0.1:9", "--region", "us-east-1"]
    )
    assert refused.exit_code == 3
    assert "cannot reach AWS for cloudformation Describe" in refused.output
    assert "Traceback" not in refused.output
