"""The twin honours provisioned concurrency applied with `ops warmup`: N environments are
initialized ahead of traffic, so N concurrent first requests are not cold (no Init Duration in
their REPORT lines, no ColdStart metric), and the (N+1)th concurrent one is."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from infra.stack import STACK
from typer.testing import CliRunner

from ops.cli import app
from ops.local.provisioning import client as local_client
from ops.local.twin import Twin, TwinConfig
from ops.warmup.desired import ping_input
from tests.support.events import rest_event

pytestmark = pytest.mark.integration
N = 3
POLICY = f"""
functions:
  auth:
    method: provisioned
    concurrency: {N}
    windows: [always]
"""


@pytest.fixture(scope="module")
def twin() -> Iterator[Twin]:
    # Its own twin: the stored scaling would warm the session twin's functions too. Without the
    # scheduled canary: its GET /health each minute is an auth request no user of this test sent
    # (a fresh clone saw it start a cold auth environment before the provisioned ones were ready).
    quiet = dataclasses.replace(STACK, functions=tuple(f for f in STACK.functions if not f.schedule))
    with Twin(TwinConfig(port=0, flush_interval_s=0.3, provisioned_poll_s=0.5, stack=quiet)) as running:
        yield running


def _warmup(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["warmup", *args])
    return result.exit_code, result.output


def _reports(twin: Twin, group: str) -> list[str]:
    twin.flush()
    logs = local_client(twin.info.aws_endpoint_url, "logs")
    events = logs.filter_log_events(logGroupName=group, filterPattern='"REPORT RequestId"')["events"]
    return [e["message"] for e in events]


def _wait(condition: Any, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def _auth_status(policy: Path, info: Path) -> dict[str, Any]:
    code, out = _warmup("status", "--policy", str(policy), "--info-file", str(info), "--format", "json")
    assert code == 0, out
    status = json.loads(out)
    assert status["drift"] == []
    (rate,) = [r for r in status["cold_starts"] if r["function"] == "auth"]
    return dict(rate)


def test_provisioned_n_gives_n_warm_first_requests(twin: Twin, tmp_path: Path) -> None:
    policy = tmp_path / "warmup.yaml"
    policy.write_text(POLICY)
    info = tmp_path / "twin.json"
    info.write_text(twin.info.to_json())
    assert twin.lambdas is not None
    auth = twin.lambdas.runtime("auth")
    assert auth.invocations == 0 and auth.instances == 0

    code, out = _warmup("apply", "--policy", str(policy), "--info-file", str(info), "--yes")
    assert code == 0, out
    # The twin reads the stored scaling on its own (every provisioned_poll_s).
    _wait(lambda: auth.provisioned_ready == N)
    assert auth.cold_starts == 0

    # N concurrent first requests, as users send them, through the gateway.
    with ThreadPoolExecutor(N) as pool:
        statuses = list(pool.map(lambda _: httpx.get(f"{twin.info.rest_url}/health").status_code, range(N)))
    assert statuses == [200] * N
    assert auth.invocations == N
    assert auth.cold_starts == 0
    reports = _reports(twin, twin.info.log_groups["auth"])
    assert len(reports) == N
    assert not [r for r in reports if "Init Duration" in r]
    assert twin.telemetry is not None
    telemetry = twin.telemetry
    cold_start_metric = {"function_name": auth.name, "service": "auth"}
    assert telemetry.total("ChatPlatform", "ColdStart", cold_start_metric)[1] == 0

    # `ops warmup status` shows what users saw: N requests, none cold (logs and metrics).
    twin.flush()
    rate = _auth_status(policy, info)
    assert (rate["log_user_invocations"], rate["log_cold_starts"], rate["cold_start_rate"]) == (N, 0, 0.0)

    # One more concurrent request than is provisioned starts one cold, on-demand environment:
    # N held warm-up pings occupy the provisioned ones while a real request arrives.
    hold = json.loads(ping_input(N))
    hold["holdMs"] = 500

    async def together() -> list[Any]:
        busy = [asyncio.ensure_future(auth.invoke(dict(hold))) for _ in range(N)]
        await asyncio.sleep(0)
        return [await auth.invoke(rest_event("GET", "/health")), *await asyncio.gather(*busy)]

    invocations = twin.run(together())
    assert [i.cold for i in invocations] == [True] + [False] * N
    assert auth.cold_starts == 1
    reports = _reports(twin, twin.info.log_groups["auth"])
    assert len([r for r in reports if "Init Duration" in r]) == 1
    # The metric is live: the one on-demand environment reports its cold start.
    _wait(lambda: telemetry.total("ChatPlatform", "ColdStart", cold_start_metric)[1] == 1)
    # The log lines of the last invocations may still be on their way (as the first check).
    twin.flush()
    rate = _auth_status(policy, info)
    assert (rate["log_user_invocations"], rate["log_cold_starts"]) == (N + 1, 1)


def test_a_policy_applied_for_a_stage_and_lowered_later(twin: Twin, tmp_path: Path) -> None:
    # `--endpoint-url <twin> --stage dev` names the stage's functions; the twin answers for them.
    policy = tmp_path / "warmup.yaml"
    policy.write_text(POLICY.replace("auth:", "call:").replace(f"concurrency: {N}", "concurrency: 2"))
    common = ["--policy", str(policy), "--endpoint-url", twin.info.aws_endpoint_url, "--stage", "dev"]
    code, out = _warmup("apply", *common, "--yes")
    assert code == 0, out
    assert twin.sync_provisioned()["call"] == 2
    assert twin.lambdas is not None
    call = twin.lambdas.runtime("call")
    assert (call.provisioned_instances, call.cold_starts) == (2, 0)

    policy.write_text(POLICY.replace("auth:", "call:").replace(f"concurrency: {N}", "concurrency: 1"))
    code, out = _warmup("apply", *common, "--yes")
    assert code == 0, out
    assert twin.sync_provisioned()["call"] == 1
    assert call.provisioned_instances == 1
