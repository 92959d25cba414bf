"""Usage metrics from CloudWatch (moto): discovery of the stack's series, the pull, and the
`--cloudwatch` / `export-metrics` commands on the same data."""

from __future__ import annotations

import datetime as dt
import json

import boto3
import pytest
from botocore.config import Config
from infra import STACK
from moto import mock_aws

from ops.cost.cli import app
from ops.cost.cloudwatch import count_alarms, count_dashboards, discover, pull_metrics
from ops.cost.series import summarise
from ops.deploy.synth import build_template

HOUR = dt.timedelta(hours=1)


def now_hour() -> dt.datetime:
    stamp = dt.datetime.now(dt.UTC)
    return stamp.replace(minute=0, second=0, microsecond=0)


@pytest.fixture
def cloudwatch():
    with mock_aws():
        yield boto3.client("cloudwatch", region_name="us-east-1", config=Config(retries={"max_attempts": 1}))


def put(client, namespace, metric, dimensions, points, unit="Count"):
    """``points``: (hours before the current hour, value); each lands 10 minutes into its hour."""
    end = now_hour()
    client.put_metric_data(
        Namespace=namespace,
        MetricData=[
            {
                "MetricName": metric,
                "Dimensions": [{"Name": k, "Value": v} for k, v in dimensions.items()],
                "Timestamp": end - hours * HOUR + dt.timedelta(minutes=10),
                "Value": value,
                "Unit": unit,
            }
            for hours, value in points
        ],
    )


@pytest.fixture
def traffic(cloudwatch):
    chat = {"FunctionName": "chat-platform-chat"}
    put(cloudwatch, "AWS/Lambda", "Invocations", chat, [(3, 100), (2, 200), (1, 300)])
    put(cloudwatch, "AWS/Lambda", "Duration", chat, [(3, 5000), (2, 10000), (1, 15000)], unit="Milliseconds")
    put(cloudwatch, "AWS/Lambda", "Invocations", {"FunctionName": "someone-elses-function"}, [(1, 5000)])
    put(cloudwatch, "AWS/Lambda", "Invocations", {}, [(1, 7000)])
    put(cloudwatch, "AWS/DynamoDB", "ConsumedWriteCapacityUnits", {"TableName": "chat-platform-chattable"}, [(2, 80)])
    put(cloudwatch, STACK.metrics_namespace, "ActiveUsers", {"service": "auth"}, [(2, 8), (1, 10)])
    put(cloudwatch, STACK.metrics_namespace, "MessagesSent", {"service": "chat"}, [(1, 42)])
    return cloudwatch


def test_discovery_keeps_the_stacks_series_only(traffic):
    queries = discover(traffic, STACK)
    found = {(q.namespace, q.metric, q.dimensions, q.statistic) for q in queries}

    assert ("AWS/Lambda", "Invocations", (("FunctionName", "chat-platform-chat"),), "Sum") in found
    assert ("AWS/DynamoDB", "ConsumedWriteCapacityUnits", (("TableName", "chat-platform-chattable"),), "Sum") in found
    assert (STACK.metrics_namespace, "ActiveUsers", (("service", "auth"),), "Maximum") in found
    assert not any("someone-elses-function" in str(q.dimensions) for q in queries)
    assert not any(q.metric == "Invocations" and not q.dimensions for q in queries)


def test_pull_returns_what_was_put(traffic):
    progress = []
    frame, start, end = pull_metrics(
        traffic, STACK, days=1, now=now_hour(), progress=lambda d, t: progress.append((d, t))
    )
    summary = summarise(frame)

    invocations = summary.find("AWS/Lambda", "Invocations", "Sum")
    assert [s.total for s in invocations] == [600]  # 100 + 200 + 300
    assert summary.find("AWS/Lambda", "Duration", "Sum")[0].total == 30000
    assert summary.find(STACK.metrics_namespace, "ActiveUsers", "Maximum")[0].maximum == 10
    assert end - start == dt.timedelta(days=1)
    assert progress[0] == (0, len(discover(traffic, STACK)))
    assert progress[-1][0] == progress[-1][1]


def test_cli_projects_from_cloudwatch(traffic, runner):
    result = runner.invoke(app, ["project", "--cloudwatch", "--days", "1", "--format", "json"])

    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    rates = document["per_user_monthly"]
    # ActiveUsers maximum: 10 users ; 600 invocations in 24 h -> 600 x 730 / 24 / 10 = 1,825 a user-month
    assert rates["active_users"] == 10
    assert rates["functions"]["chat"]["requests"] == pytest.approx(1825)
    assert rates["functions"]["chat"]["duration_ms"] == pytest.approx(50)  # 30,000 ms / 600
    # 80 WRU -> 80 x 730 / 24 / 10 = 243.33
    assert rates["dynamodb_write_request_units"] == pytest.approx(243.333, rel=1e-4)
    free = document["tiers"][0]
    requests = next(ln for ln in free["services"]["lambda"]["lines"] if ln["item"] == "requests")
    # 1,825 x 1,000 users, plus the canary's fixed 43,800 runs a month (its own request and the
    # health check's)
    assert requests["quantity"] == pytest.approx(1_825_000 + 2 * 43_800)


def test_export_then_project_matches_the_direct_pull(traffic, runner, tmp_path):
    out = tmp_path / "usage.parquet"
    exported = runner.invoke(app, ["export-metrics", "--output", str(out), "--days", "1"])
    direct = runner.invoke(app, ["project", "--cloudwatch", "--days", "1", "-f", "json"])
    from_file = runner.invoke(app, ["project", "--metrics", str(out), "--days", "1", "-f", "json"])

    assert exported.exit_code == 0, exported.stderr
    assert "datapoints of" in exported.stdout
    assert from_file.exit_code == 0, from_file.stderr
    assert json.loads(from_file.stdout)["tiers"] == json.loads(direct.stdout)["tiers"]


def test_dashboards_and_alarms_come_from_the_template_not_the_account(traffic, runner):
    # Whatever happens to be deployed in the account does not change the bill: the stage's
    # template decides (a stray dashboard here is not the kit's).
    for index in range(4):
        traffic.put_dashboard(DashboardName=f"board-{index}", DashboardBody='{"widgets": []}')
    assert count_dashboards(traffic) == 4
    template = build_template(STACK, "prod")
    resources = list(template["Resources"].values())
    dashboards = sum(r["Type"] == "AWS::CloudWatch::Dashboard" for r in resources)
    composites = sum(r["Type"] == "AWS::CloudWatch::CompositeAlarm" for r in resources)

    result = runner.invoke(
        app, ["project", "--cloudwatch", "--days", "1", "-f", "json", "--free-tier", "none", "--stage", "prod"]
    )
    lines = {ln["meter"]: ln for ln in json.loads(result.stdout)["tiers"][0]["services"]["cloudwatch"]["lines"]}
    assert lines["cloudwatch.dashboards"]["quantity"] == dashboards
    assert lines["cloudwatch.dashboards"]["cost"] == 3.0 * dashboards
    assert lines["cloudwatch.composite_alarms"]["quantity"] == composites
    assert count_alarms(traffic).standard == 0  # none deployed, yet the template's are billed
    assert lines["cloudwatch.alarms"]["quantity"] >= sum(r["Type"] == "AWS::CloudWatch::Alarm" for r in resources)


def test_no_active_users_anywhere(cloudwatch, runner):
    put(cloudwatch, "AWS/Lambda", "Invocations", {"FunctionName": "chat-platform-chat"}, [(1, 5)])

    result = runner.invoke(app, ["project", "--cloudwatch", "--days", "1"])

    assert result.exit_code == 2
    assert result.stdout == ""
    assert "no active users" in result.stderr


def test_unreachable_endpoint_exits_3(runner, monkeypatch):
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")

    result = runner.invoke(app, ["project", "--cloudwatch", "--endpoint-url", "http://127.0.0.1:9", "--days", "1"])

    assert result.exit_code == 3
    assert result.stdout == ""
    assert "error: cannot reach AWS for cloudwatch" in result.stderr
    assert "Traceback" not in result.stderr
