"""The parts of `ops status`: alarm rows from DescribeAlarms, rates, the metrics call and its
stand-in when an endpoint computes no percentiles, error signatures."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from infra import STACK

from kit.target import twin_target
from ops.status import alarm_states, errors, metrics
from ops.status.report import ApiRow, FunctionRow, Status

INFO = {
    "functions": {f.name: f"chat-platform-{f.name}" for f in STACK.functions},
    "alarm_topic_arn": "arn:aws:sns:us-east-1:123456789012:chat-platform-alarms",
    "rest_api_name": "chat-platform-RestApi",
    "websocket_api_id": "abc",
    "stage": "v1",
    "table_name": "t",
    "bucket_name": "b",
    "user_pool_id": "p",
    "user_pool_client_id": "c",
}


def test_an_alarm_row_has_value_threshold_since_and_runbook() -> None:
    alarm = {
        "AlarmName": "chat-platform-dev-chat-lambda-error-rate-critical",
        "StateValue": "ALARM",
        "StateReason": "Threshold Crossed",
        "StateReasonData": json.dumps({"recentDatapoints": [12.0, 40.0], "threshold": 20.0}),
        "StateTransitionedTimestamp": dt.datetime(2026, 12, 3, 17, 0, tzinfo=dt.UTC),
        "Threshold": 20.0,
        "ComparisonOperator": "GreaterThanOrEqualToThreshold",
        "AlarmDescription": "Chat errors.\nRunbook: https://example.com/docs/runbooks.md#lambda_error_rate",
    }
    row = alarm_states.row(alarm, {}, composite=False)
    assert (row.value, row.threshold, row.comparison) == (40.0, 20.0, ">=")
    assert row.since == "2026-12-03T17:00:00Z"
    assert row.runbook == "https://example.com/docs/runbooks.md#lambda_error_rate"
    assert alarm_states.row(alarm, {alarm["AlarmName"]: "https://model"}, False).runbook == "https://model"


def test_a_composite_names_what_triggered_it() -> None:
    alarm = {
        "AlarmName": "chat-platform-dev-service-health",
        "StateValue": "ALARM",
        "StateReasonData": json.dumps(
            {"triggeringAlarms": [{"arn": "arn:aws:cloudwatch:us-east-1:1:alarm:chat-platform-dev-x"}, {"name": "y"}]}
        ),
    }
    assert alarm_states.row(alarm, {}, composite=True).triggering == ("chat-platform-dev-x", "y")


def test_rates_and_health() -> None:
    function = FunctionRow("chat", 200, 50, 0, 4, 900.0, 10_000.0)
    assert (function.error_rate, function.cold_start_rate, function.p90_of_timeout) == (0.25, 0.02, 0.09)
    assert FunctionRow("idle", 0, 0, 0, 0, None, 10_000.0).error_rate is None
    assert ApiRow("REST", 100, 5, 1, 20.0).error_rate == 0.05
    status = Status("dev", "AWS", 900, "a", "b")
    assert status.healthy and status.as_dict()["healthy"] is True


class FakeCloudWatch:
    """GetMetricData as moto answers it: 500 when a percentile is asked for."""

    def __init__(self, percentiles: bool) -> None:
        self.percentiles = percentiles
        self.calls: list[dict[str, Any]] = []

    def get_metric_data(self, **args: Any) -> dict[str, Any]:
        self.calls.append(args)
        stats = {q["MetricStat"]["Stat"] for q in args["MetricDataQueries"]}
        if "p90" in stats and not self.percentiles:
            raise ClientError({"Error": {"Code": "InternalFailure"}, "ResponseMetadata": {"HTTPStatusCode": 500}}, "x")
        results = []
        for query in args["MetricDataQueries"]:
            metric = query["MetricStat"]["Metric"]
            value = {"Invocations": [10.0, 5.0], "Errors": [1.0], "Duration": [250.0]}.get(metric["MetricName"], [])
            if metric["Dimensions"][0]["Value"] != "chat-platform-chat":
                value = []
            results.append({"Id": query["Id"], "Values": value})
        return {"MetricDataResults": results}


@pytest.mark.parametrize("percentiles", [True, False])
def test_one_batched_call_reads_every_function(percentiles: bool) -> None:
    cloudwatch = FakeCloudWatch(percentiles)
    target = twin_target(STACK, INFO, stage="dev")
    span = metrics.window(1_796_318_400.0, 900)
    readings = metrics.read(cloudwatch, STACK, target, span)
    assert len(cloudwatch.calls) == (1 if percentiles else 2)
    assert len(cloudwatch.calls[0]["MetricDataQueries"]) == 5 * len(STACK.functions) + 9
    chat = next(f for f in readings.functions if f.function == "chat")
    assert (chat.invocations, chat.errors, chat.p90_ms) == (15.0, 1.0, 250.0)
    assert bool(readings.note) is not percentiles
    if not percentiles:
        assert {q["MetricStat"]["Stat"] for q in cloudwatch.calls[1]["MetricDataQueries"]} == {"Sum", "Maximum"}


def test_an_error_signature_blanks_ids() -> None:
    one = errors.signature("no item 0b8e0a43-5c3a-4d0c-9a53-2a8f0f4b2b11 at 1796318343")
    two = errors.signature("no item 1c8e0a43-5c3a-4d0c-9a53-2a8f0f4b2b12 at 1796318399")
    assert one == two == "no item <id> at <n>"


def test_runbook_links_stay_whole_however_crowded_the_alarm_table_is() -> None:
    from rich.text import Text

    from ops.conventions.output import _render
    from ops.status.render import screen
    from ops.status.report import AlarmRow

    base = "https://github.com/example-org/chat-platform/blob/main/docs/runbooks.md"
    children = tuple(f"chat-platform-prod-{name}-lambda-error-rate-critical" for name in ("chat", "call", "uploads"))
    status = Status(
        "prod",
        "AWS",
        900,
        "2026-12-03T20:00:00Z",
        "2026-12-03T20:15:00Z",
        alarms=[
            AlarmRow(
                "chat-platform-prod-service-health",
                "ALARM",
                None,
                "",
                runbook=f"{base}#service_health",
                composite=True,
                triggering=children,
            ),
            *(
                AlarmRow(
                    n, "ALARM", None, "", value=12.5, threshold=5, comparison=">=", runbook=f"{base}#lambda_error_rate"
                )
                for n in children
            ),
        ],
    )
    renderables = screen(status)
    lines = _render(renderables, to_file=True).splitlines()
    # the table names each alarm's section; the links follow, each whole on a line of its own
    assert f"runbook #service_health: {base}#service_health" in lines
    assert f"runbook #lambda_error_rate: {base}#lambda_error_rate" in lines
    assert sum(isinstance(r, Text) for r in renderables) == 2  # one line per distinct runbook
