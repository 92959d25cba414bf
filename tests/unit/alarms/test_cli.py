"""`ops alarms` against moto's server on 127.0.0.1, as if it were the local twin."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from ops.cli import app
from tests.unit.alarms.support import client

runner = CliRunner()


def ops(*args: str) -> Any:
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_render_is_deterministic(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    assert ops("alarms", "render", "--out", str(first), "--stage", "prod").exit_code == 0
    assert ops("alarms", "render", "--out", str(second), "--stage", "prod").exit_code == 0
    assert (first / "alarms.json").read_bytes() == (second / "alarms.json").read_bytes()
    document = json.loads((first / "alarms.json").read_text())
    assert len(document["metric_alarms"]) > 50
    assert [c["AlarmName"] for c in document["composite_alarms"]] == [
        "chat-platform-prod-service-health",
        "chat-platform-prod-warnings",
    ]


def test_list_as_json() -> None:
    result = ops("alarms", "list", "--stage", "prod", "--format", "json")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert any(r["name"].endswith("service-health") for r in rows)
    assert all(r["monthly_cost_usd"] > 0 for r in rows)


def test_deploy_then_no_drift_then_drift(info_file: Path, aws: str) -> None:
    result = ops("alarms", "deploy", "--info-file", str(info_file))
    assert result.exit_code == 0, result.output
    assert "skipped 2 composite" in result.stdout  # moto has no PutCompositeAlarm
    assert "no drift" not in ops("alarms", "diff", "--info-file", str(info_file)).stdout  # the composite is missing
    cloudwatch = client(aws, "cloudwatch")
    deployed = cloudwatch.describe_alarms(AlarmNamePrefix="chat-platform-dev-chat-lambda-error-rate")["MetricAlarms"]
    assert deployed
    diff = json.loads(ops("alarms", "diff", "--info-file", str(info_file), "--format", "json").stdout)
    assert diff["changed"] == {}
    assert diff["missing"] == ["chat-platform-dev-service-health", "chat-platform-dev-warnings"]
    # Someone edits a threshold in the console: the diff shows it, and --exit-code fails.
    alarm = deployed[0]
    cloudwatch.put_metric_alarm(
        AlarmName=alarm["AlarmName"],
        AlarmDescription=alarm["AlarmDescription"],
        AlarmActions=alarm["AlarmActions"],
        OKActions=alarm["OKActions"],
        Metrics=alarm["Metrics"],
        EvaluationPeriods=alarm["EvaluationPeriods"],
        DatapointsToAlarm=alarm["DatapointsToAlarm"],
        Threshold=99.0,
        ComparisonOperator=alarm["ComparisonOperator"],
        TreatMissingData=alarm["TreatMissingData"],
    )
    cloudwatch.put_metric_alarm(
        AlarmName="chat-platform-dev-hand-made",
        MetricName="X",
        Namespace="Y",
        Statistic="Sum",
        Period=60,
        EvaluationPeriods=1,
        Threshold=1,
        ComparisonOperator="GreaterThanThreshold",
    )
    result = ops("alarms", "diff", "--info-file", str(info_file), "--format", "json", "--exit-code")
    assert result.exit_code == 1
    diff = json.loads(result.stdout)
    assert diff["changed"] == {alarm["AlarmName"]: ["Threshold"]}
    assert diff["extra"] == ["chat-platform-dev-hand-made"]
    pruned = ops("alarms", "deploy", "--info-file", str(info_file), "--prune", "--format", "json")
    assert json.loads(pruned.stdout)["deleted"] == ["chat-platform-dev-hand-made"]


class _Receiver(BaseHTTPRequestHandler):
    received: list[dict[str, Any]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Receiver.received.append(json.loads(body))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def webhook() -> Iterator[str]:
    _Receiver.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook"
    server.shutdown()
    server.server_close()


def test_test_forces_the_state_and_shows_both_notifications(info_file: Path, aws: str, webhook: str) -> None:
    assert ops("alarms", "deploy", "--info-file", str(info_file)).exit_code == 0
    result = ops(
        "alarms", "test", "chat-lambda-error-rate-critical", "--info-file", str(info_file), "--webhook-url", webhook
    )
    assert result.exit_code == 0, result.output
    assert "CRITICAL · ALARM · chat function" in result.stdout
    assert "CRITICAL · OK (resolved) · chat function" in result.stdout
    assert "runbooks.md#lambda_error_rate" in result.stdout
    assert "Subject: [ALARM][CRITICAL] chat function" in result.stdout
    states = [p["blocks"][0]["text"]["text"] for p in _Receiver.received]
    assert states == ["CRITICAL · ALARM · chat function", "CRITICAL · OK (resolved) · chat function"]
    alarm = client(aws, "cloudwatch").describe_alarms(AlarmNames=["chat-platform-dev-chat-lambda-error-rate-critical"])
    assert alarm["MetricAlarms"][0]["StateValue"] == "OK"


def test_test_keep_leaves_the_alarm_firing(info_file: Path, aws: str) -> None:
    assert ops("alarms", "deploy", "--info-file", str(info_file)).exit_code == 0
    result = ops(
        "alarms",
        "test",
        "chat-platform-dev-rest-5xx-rate-critical",
        "--info-file",
        str(info_file),
        "--keep",
        "--format",
        "json",
    )
    notifications = json.loads(result.stdout)["notifications"]
    assert [n["state"] for n in notifications] == ["ALARM"]
    alarm = client(aws, "cloudwatch").describe_alarms(AlarmNames=["chat-platform-dev-rest-5xx-rate-critical"])
    assert alarm["MetricAlarms"][0]["StateValue"] == "ALARM"


def test_a_composite_alarm_renders_offline() -> None:
    result = ops("alarms", "test", "service-health", "--offline", "--format", "json")
    assert result.exit_code == 0
    (alarm, ok) = json.loads(result.stdout)["notifications"]
    assert alarm["email"]["subject"].startswith("[ALARM][CRITICAL] service health")
    assert ok["state"] == "OK"


def test_errors_are_one_line_and_a_non_zero_exit(info_file: Path, tmp_path: Path) -> None:
    not_deployed = runner.invoke(app, ["alarms", "test", "service-health", "--info-file", str(info_file)])
    assert not_deployed.exit_code == 1
    assert "is not deployed at this endpoint" in not_deployed.output
    assert "Traceback" not in not_deployed.output
    unknown = runner.invoke(app, ["alarms", "test", "no-such-alarm", "--offline"])
    assert unknown.exit_code == 2
    assert "no alarm 'no-such-alarm'" in unknown.output
    missing = runner.invoke(app, ["alarms", "deploy", "--info-file", str(tmp_path / "none.json")])
    assert missing.exit_code == 2
    assert "ops local up --info-file" in missing.output
    bad = tmp_path / "thresholds.yaml"
    bad.write_text("checks: {}\n")
    broken = runner.invoke(app, ["alarms", "list", "--thresholds", str(bad)])
    assert broken.exit_code == 2
    assert "no settings for" in broken.output
    no_stack = runner.invoke(
        app,
        [
            "alarms",
            "diff",
            "--endpoint-url",
            info_file.read_text() and json.loads(info_file.read_text())["aws_endpoint_url"],
            "--region",
            "us-east-1",
        ],
    )
    assert no_stack.exit_code == 2
    assert "is not deployed" in no_stack.output


def test_backtest_replays_recorded_metrics(info_file: Path, aws: str) -> None:
    cloudwatch = client(aws, "cloudwatch")
    now = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
    data = []
    for minute in range(1, 61):
        at = now - dt.timedelta(minutes=minute)
        failing = 10 <= minute < 14  # four bad minutes, 40 minutes into the last hour
        for name, value in (("Invocations", 50.0), ("Errors", 25.0 if failing else 0.0)):
            data.append(
                {
                    "MetricName": name,
                    "Dimensions": [{"Name": "FunctionName", "Value": "chat-platform-chat"}],
                    "Timestamp": at,
                    "Value": value,
                }
            )
    cloudwatch.put_metric_data(Namespace="AWS/Lambda", MetricData=data)
    result = ops(
        "alarms",
        "backtest",
        "--days",
        "0.05",
        "--info-file",
        str(info_file),
        "--alarm",
        "chat-lambda-error-rate",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    outcomes = {o["alarm"]: o for o in json.loads(result.stdout)["alarms"]}
    critical = outcomes["chat-platform-dev-chat-lambda-error-rate-critical"]  # dev: >= 20 %
    assert critical["fires"] == 1
    assert critical["worst"] == pytest.approx(50.0)
    table = ops("alarms", "backtest", "--days", "0.05", "--info-file", str(info_file), "--alarm", "lambda-duration")
    assert "would have fired" in table.stdout
