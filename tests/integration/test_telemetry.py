"""What AWS records, the twin records: metrics in the embedded CloudWatch under AWS's names
and dimensions, logs per function with START/END/REPORT, EMF output as metrics, X-Ray."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from ops.local import emf
from ops.local.provisioning import client
from ops.local.telemetry import Telemetry, percentile
from ops.local.twin import Twin
from tests.support.twin import Rest


def _sum(twin: Twin, namespace: str, name: str, dimensions: dict[str, str]) -> float:
    cloudwatch = client(twin.info.aws_endpoint_url, "cloudwatch")
    now = datetime.now(UTC)
    answer = cloudwatch.get_metric_statistics(
        Namespace=namespace,
        MetricName=name,
        Dimensions=[{"Name": k, "Value": v} for k, v in dimensions.items()],
        StartTime=now - timedelta(hours=1),
        EndTime=now + timedelta(minutes=5),
        Period=60,
        Statistics=["Sum", "SampleCount"],
    )
    return float(sum(p["Sum"] for p in answer["Datapoints"]))


def _eventually(check: Any, twin: Twin, attempts: int = 30) -> None:
    for _ in range(attempts):
        twin.flush()
        if check():
            return
        time.sleep(0.1)
    assert check()


def test_gateway_lambda_and_emf_metrics_reach_cloudwatch(probe_twin: Twin, probe_rest: Rest) -> None:
    api = {"ApiName": probe_twin.info.rest_api_name}
    function = {"FunctionName": "chat-platform-probe"}
    before_count = _sum(probe_twin, "AWS/ApiGateway", "Count", api)
    before_invocations = _sum(probe_twin, "AWS/Lambda", "Invocations", function)

    for _ in range(3):
        assert probe_rest.get("/probe").status_code == 200
    assert probe_rest.get("/nowhere").status_code == 404

    _eventually(lambda: _sum(probe_twin, "AWS/ApiGateway", "Count", api) >= before_count + 4, probe_twin)
    assert _sum(probe_twin, "AWS/Lambda", "Invocations", function) >= before_invocations + 3
    assert _sum(probe_twin, "AWS/ApiGateway", "4XXError", api) >= 1
    detailed = {**api, "Stage": "v1", "Method": "GET", "Resource": "/probe"}
    assert _sum(probe_twin, "AWS/ApiGateway", "Latency", detailed) > 0
    assert _sum(probe_twin, "AWS/ApiGateway", "IntegrationLatency", detailed) > 0
    assert _sum(probe_twin, "AWS/Lambda", "Duration", function) > 0
    # The probe prints one EMF document per call: CloudWatch extracts it.
    assert _sum(probe_twin, "ProbeTest", "ProbeCalls", {"service": "probe"}) >= 3
    # p50/p99 come from the raw samples the twin keeps (moto computes no percentiles).
    assert probe_twin.telemetry is not None
    samples = probe_twin.telemetry.samples("AWS/ApiGateway", "Latency", api)
    assert len(samples) >= 4
    assert percentile(samples, 50) is not None


def test_platform_traffic_records_cold_starts_dynamodb_and_websocket_metrics(twin: Twin, rest: Rest) -> None:
    rest.sign_up("Metrics")
    table = {"TableName": twin.info.table_name}
    _eventually(lambda: _sum(twin, "AWS/DynamoDB", "ConsumedWriteCapacityUnits", table) > 0, twin)
    assert _sum(twin, "ChatPlatform", "ColdStart", {"function_name": "chat-platform-auth", "service": "auth"}) >= 1
    assert _sum(twin, "ChatPlatform", "UsersRegistered", {"service": "auth"}) >= 1
    latency = {"TableName": twin.info.table_name, "Operation": "PutItem"}
    assert _sum(twin, "AWS/DynamoDB", "SuccessfulRequestLatency", latency) > 0
    assert _sum(twin, "LambdaInsights", "init_duration", {"function_name": "chat-platform-auth"}) > 0


def test_logs_per_function_with_start_end_report_and_init_duration(probe_twin: Twin, probe_rest: Rest) -> None:
    answer = probe_rest.get("/probe").json()
    stream = answer["env"]["AWS_LAMBDA_LOG_STREAM_NAME"]
    request_id = answer["context"]["aws_request_id"]
    logs = client(probe_twin.info.aws_endpoint_url, "logs")
    group = probe_twin.info.log_groups["probe"]

    def events() -> list[str]:
        try:
            found = logs.get_log_events(logGroupName=group, logStreamName=stream, startFromHead=True)
        except logs.exceptions.ResourceNotFoundException:
            return []
        return [e["message"] for e in found["events"]]

    _eventually(lambda: any(m.startswith(f"REPORT RequestId: {request_id}") for m in events()), probe_twin)
    messages = events()
    assert f"START RequestId: {request_id} Version: 1" in messages
    assert f"END RequestId: {request_id}" in messages
    assert any("Init Duration:" in m for m in messages if m.startswith("REPORT"))
    report = next(m for m in messages if m.startswith(f"REPORT RequestId: {request_id}"))
    assert "\tDuration: " in report and "Billed Duration: " in report and "Memory Size: 256 MB" in report
    assert any('"ProbeCalls": 1' in m for m in messages)
    retention = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"][0]
    assert retention["retentionInDays"] == 30


def test_traces_reach_the_embedded_xray(twin: Twin, rest: Rest) -> None:
    answer = rest.get("/health")
    trace_id = answer.headers["x-amzn-trace-id"].removeprefix("Root=")
    xray = client(twin.info.aws_endpoint_url, "xray")

    def segments() -> list[dict[str, Any]]:
        traces = xray.batch_get_traces(TraceIds=[trace_id])["Traces"]
        return [json.loads(s["Document"]) for t in traces for s in t["Segments"]]

    _eventually(lambda: len(segments()) >= 2, twin)
    origins = {s.get("origin") for s in segments()}
    assert {"AWS::ApiGateway::Stage", "AWS::Lambda::Function"} <= origins


def test_emf_documents_become_datums_with_every_dimension_set() -> None:
    line = json.dumps(
        {
            "_aws": {
                "Timestamp": 1700000000000,
                "CloudWatchMetrics": [
                    {
                        "Namespace": "ChatPlatform",
                        "Dimensions": [["service"], ["service", "route"]],
                        "Metrics": [
                            {"Name": "MessagesSent", "Unit": "Count"},
                            {"Name": "FanoutMs", "Unit": "Milliseconds"},
                        ],
                    }
                ],
            },
            "service": "websocket",
            "route": "sendMessage",
            "MessagesSent": 2,
            "FanoutMs": [3.5, 4.5],
        }
    )
    datums = emf.parse(line)
    assert len(datums) == 6
    assert {d.dimensions for d in datums} == {
        (("service", "websocket"),),
        (("service", "websocket"), ("route", "sendMessage")),
    }
    assert sorted(d.value for d in datums if d.name == "FanoutMs") == [3.5, 3.5, 4.5, 4.5]
    assert all(d.timestamp_ms == 1700000000000 for d in datums)


@pytest.mark.parametrize("line", ["plain text", "{not json", '{"_aws": {}}', "[1, 2]", '{"_aws": 3}'])
def test_lines_that_are_not_emf_are_only_logs(line: str) -> None:
    assert emf.parse(line) == []


def test_telemetry_keeps_raw_samples_and_totals_in_memory() -> None:
    telemetry = Telemetry(None)
    for value in (10.0, 20.0, 30.0, 40.0):
        telemetry.metric("AWS/ApiGateway", "Latency", value, "Milliseconds", {"ApiName": "x"})
    assert telemetry.total("AWS/ApiGateway", "Latency", {"ApiName": "x"}) == (4, 100.0)
    samples = telemetry.samples("AWS/ApiGateway", "Latency", {"ApiName": "x"})
    assert percentile(samples, 50) == 20.0
    assert percentile(samples, 99) == 40.0
    assert percentile([], 50) is None
