"""`ops warmup` against moto's server (which stores schedules and scaling actions but never
runs them): plan on an empty account, apply, apply again (nothing to do), a schedule deleted
by hand makes `verify` fail and `apply` repair it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from infra import STACK
from typer.testing import CliRunner

from ops.cli import app
from tests.support.deployed_stage import deploy_stage
from tests.support.moto_server import client, moto_server

POLICY = """
functions:
  chat:
    method: ping
    concurrency: 2
    interval_minutes: 5
    windows:
      - cron: "cron(* 8-19 ? * MON-FRI *)"
        timezone: Europe/Berlin
  call:
    method: provisioned
    concurrency: 3
    windows:
      - cron: "cron(* 9-11,14-16 ? * MON-FRI *)"
        timezone: America/New_York
"""


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    with moto_server() as url:
        yield url


@pytest.fixture
def policy(tmp_path: Path) -> Path:
    path = tmp_path / "warmup.yaml"
    path.write_text(POLICY)
    return path


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["warmup", *args])
    return result.exit_code, result.stdout if "--format" in args else result.output


def _deployed(endpoint: str, stage: str, **options: object) -> None:
    deploy_stage(lambda service: client(service, endpoint), STACK, stage, **options)  # type: ignore[arg-type]


def test_plan_apply_idempotent_drift_and_repair(endpoint: str, policy: Path) -> None:
    common = ["--policy", str(policy), "--endpoint-url", endpoint, "--stage", "itest"]
    _deployed(endpoint, "itest")
    code, out = _run("plan", *common, "--format", "json")
    assert code == 0, out
    planned = json.loads(out)
    creates = [c for c in planned["changes"] if c["action"] == "create"]
    # chat: 1 window x 2 pings; call: 1 scalable target + 2 hour ranges x (up, down)
    assert len(creates) == len(planned["changes"]) == 2 + 1 + 4
    assert {c["kind"] for c in creates} == {"schedule", "scalable target", "scheduled action"}

    code, out = _run("apply", *common, "--yes")
    assert code == 0, out
    assert "applied 7 change(s)" in out

    scheduler = client("scheduler", endpoint)
    schedule = scheduler.get_schedule(Name="chat-w0-p1", GroupName="chat-platform-itest-warmup")
    assert schedule["ScheduleExpression"] == "cron(0/5 8-19 ? * MON-FRI *)"
    assert schedule["ScheduleExpressionTimezone"] == "Europe/Berlin"
    assert json.loads(schedule["Target"]["Input"]) == {"concurrency": 2, "holdMs": 150, "warmup": True}
    autoscaling = client("application-autoscaling", endpoint)
    actions = autoscaling.describe_scheduled_actions(ServiceNamespace="lambda")["ScheduledActions"]
    up = next(a for a in actions if a["ScheduledActionName"].endswith("call-w0-r1-up"))
    assert up["Schedule"] == "cron(0 14 ? * MON-FRI *)"
    assert up["ScalableTargetAction"] == {"MinCapacity": 3, "MaxCapacity": 3}

    code, out = _run("apply", *common, "--yes")
    assert code == 0, out
    assert "in sync" in out
    assert _run("verify", *common)[0] == 0

    scheduler.delete_schedule(Name="chat-w0-p2", GroupName="chat-platform-itest-warmup")
    code, out = _run("verify", *common)
    assert code == 1
    assert "chat-w0-p2" in out and "missing" in out

    code, out = _run("apply", *common, "--yes")
    assert code == 0, out
    assert "applied 1 change(s)" in out
    assert _run("verify", *common)[0] == 0


def test_a_changed_policy_updates_and_deletes(endpoint: str, policy: Path, tmp_path: Path) -> None:
    common = ["--endpoint-url", endpoint, "--stage", "itest2"]
    _deployed(endpoint, "itest2")
    assert _run("apply", "--policy", str(policy), *common, "--yes")[0] == 0
    smaller = tmp_path / "smaller.yaml"
    smaller.write_text(
        POLICY.replace("concurrency: 2", "concurrency: 1").replace("interval_minutes: 5", "interval_minutes: 10")
    )
    code, out = _run("plan", "--policy", str(smaller), *common, "--format", "json")
    changes = {(c["action"], c["name"]) for c in json.loads(out)["changes"]}
    assert ("delete", "chat-w0-p2") in changes
    assert ("update", "chat-w0-p1") in changes
    assert _run("apply", "--policy", str(smaller), *common, "--yes")[0] == 0
    assert _run("verify", "--policy", str(smaller), *common)[0] == 0


def test_invalid_policy_applies_nothing(endpoint: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "functions:\n  chat:\n    method: ping\n    windows:\n      - cron: 'cron(* 8 ? * * *)'\n"
        "        timezone: Nowhere/City\n"
    )
    code, out = _run("apply", "--policy", str(bad), "--endpoint-url", endpoint, "--stage", "itest3", "--yes")
    assert code == 2
    assert "functions.chat.windows[0].timezone" in out
    scheduler = client("scheduler", endpoint)
    groups = [g["Name"] for g in scheduler.list_schedule_groups()["ScheduleGroups"]]
    assert "chat-platform-itest3-warmup" not in groups


def test_status_reports_cold_start_rate(endpoint: str, policy: Path) -> None:
    import datetime as dt

    cloudwatch = client("cloudwatch", endpoint)
    now = dt.datetime.now(dt.UTC)
    physical = "chat-platform-itest4-chat"
    cloudwatch.put_metric_data(
        Namespace="AWS/Lambda",
        MetricData=[
            {
                "MetricName": "Invocations",
                "Dimensions": [{"Name": "FunctionName", "Value": physical}],
                "Value": 110,
                "Timestamp": now,
            }
        ],
    )
    cloudwatch.put_metric_data(
        Namespace="ChatPlatform",
        MetricData=[
            {
                "MetricName": "WarmupPings",
                "Dimensions": [{"Name": "service", "Value": "chat"}],
                "Value": 10,
                "Timestamp": now,
            },
            {
                "MetricName": "ColdStart",
                "Dimensions": [{"Name": "function_name", "Value": physical}, {"Name": "service", "Value": "chat"}],
                "Value": 4,
                "Timestamp": now,
            },
        ],
    )
    code, out = _run(
        "status", "--policy", str(policy), "--endpoint-url", endpoint, "--stage", "itest4", "--format", "json"
    )
    assert code == 0, out
    chat = next(r for r in json.loads(out)["cold_starts"] if r["function"] == "chat")
    # 4 cold starts over 110 invocations less 10 warm-up pings
    assert chat["user_invocations"] == 100
    assert chat["cold_start_rate"] == 0.04


def test_verify_fails_when_the_apis_do_not_invoke_the_warmed_alias(endpoint: str, policy: Path) -> None:
    common = ["--policy", str(policy), "--endpoint-url", endpoint, "--stage", "itest5"]
    _deployed(endpoint, "itest5", qualifier=None)
    assert _run("apply", *common, "--yes")[0] == 0
    code, out = _run("verify", *common)
    assert code == 1
    assert "invokes chat-platform-itest5-chat ($LATEST), not the 'live' alias" in out
    assert "drift" not in out  # the schedules match; the warm-up just misses users
