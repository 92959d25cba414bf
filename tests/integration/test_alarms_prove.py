"""The alarm path end to end on a twin with a fast clock: a fault injected into the chat
function -> the chat error alarm and ServiceHealth in ALARM (DescribeAlarms, history) ->
CloudWatch's message on SNS -> the notifier, invoked by the twin -> webhook and email in the
outbox; cleared -> OK and its notification. Then the fast scenarios of `ops alarms prove`."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path

import boto3
import httpx
import pytest
from botocore.config import Config
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from ops.local import faults
from ops.local.twin import Twin, TwinConfig
from ops.prove.runner import Prover
from ops.prove.scenarios import find
from ops.prove.traffic import wait_for

CHAT_ALARM = "chat-lambda-error-rate-critical"
# The critical alarms a failing chat function trips: its error rate, its count on thin traffic,
# and the REST stage's 5XX (what clients see). Whichever reaches ALARM first triggers
# ServiceHealth, so its page names that one: on a loaded machine a twin minute can carry fewer
# requests than planned, and any of them may be first.
CHAT_ERROR_ALARMS = (
    CHAT_ALARM,
    "chat-lambda-error-count-critical",
    "rest-5xx-rate-critical",
    "rest-5xx-count-critical",
)


@pytest.fixture(scope="module")
def fast_twin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Twin]:
    # The whole stack, the canary included: a run it misses on a loaded machine is no outage.
    config = TwinConfig(port=0, clock_speed=30, state_dir=tmp_path_factory.mktemp("twin"))
    with Twin(config) as running:
        yield running


@pytest.fixture(scope="module")
def prover(fast_twin: Twin) -> Iterator[Prover]:
    running = Prover(fast_twin.info.as_dict())
    running.start()
    yield running
    running.stop()


def test_a_chat_fault_pages_through_sns_and_the_notifier(fast_twin: Twin, prover: Prover) -> None:
    (scenario,) = find(["chat-errors-medium-traffic"])
    since = dt.datetime.now(dt.UTC)
    result = prover.run(scenario)
    # The alarm and the composite fired within minutes of the twin's clock, and recovered.
    assert result.fired[CHAT_ALARM] is not None, (result.failures, result.traffic)
    assert result.fired[CHAT_ALARM] <= scenario.within_minutes  # 3 of 5 minutes, then a loaded machine's lag
    assert result.fired["service-health"] is not None
    assert result.recovered_minutes is not None
    # DescribeAlarmHistory (served by the twin) holds both transitions of the chat alarm.
    items = prover.cloudwatch.describe_alarm_history(AlarmName=f"{prover.prefix}{CHAT_ALARM}", StartDate=since)[
        "AlarmHistoryItems"
    ]
    summaries = [i["HistorySummary"] for i in items]
    assert "Alarm updated from OK to ALARM" in summaries
    assert "Alarm updated from ALARM to OK" in summaries
    # The notifier (a twin Lambda) delivered the incident to both channels: ServiceHealth's
    # message, naming the chat alarm that triggered it and linking the runbook.
    outbox = Path(fast_twin.info.notifications_outbox)

    def names_chat(text: str) -> bool:
        return any(f"{prover.prefix}{name}: ALARM" in text for name in CHAT_ERROR_ALARMS)

    def naming_chat() -> list[dict[str, str]]:
        lines = [json.loads(x) for x in outbox.read_text().splitlines()]
        return [x for x in lines if names_chat(x["text"]) and x["state"] == "ALARM"]

    # SNS delivers asynchronously: on a loaded machine the notifier may still be running.
    wait_for(lambda: {x["channel"] for x in naming_chat()} == {"webhook", "email"}, 60)
    lines = [json.loads(x) for x in outbox.read_text().splitlines()]
    paged = [x for x in lines if x["alarm"].endswith("service-health") and x["state"] == "ALARM"]
    assert {x["channel"] for x in paged} >= {"webhook", "email"}
    naming = [x for x in paged if names_chat(x["text"])]
    assert {x["channel"] for x in naming} == {"webhook", "email"}, [(x["time"], x["text"][300:700]) for x in paged]
    email = next(x for x in naming if x["channel"] == "email")
    assert re.search(r"Runbook: https://\S+/docs/runbooks\.md#service_health", email["text"]), email["text"]
    assert email["subject"].startswith("[ALARM][CRITICAL] service health")
    assert any(x["alarm"].endswith("service-health") and x["state"] == "OK" for x in lines)
    # One notification per channel for the incident (the warnings that fired with it stayed
    # quiet), naming value, threshold and runbook; one OK.
    assert result.passed, result.failures
    assert result.alarm_notifications == result.ok_notifications == {"webhook": 1, "email": 1}


def test_chat_errors_on_thin_traffic_page_once(prover: Prover) -> None:
    (scenario,) = find(["chat-errors-low-traffic"])
    result = prover.run(scenario)
    assert result.passed, (result.failures, result.traffic)
    assert result.fired["chat-lambda-error-count-critical"] is not None
    assert result.alarm_notifications == {"webhook": 1, "email": 1}


def test_healthy_low_traffic_pages_no_one(prover: Prover) -> None:
    (scenario,) = find(["healthy-low"])
    result = prover.run(scenario)
    assert result.alarm_transitions == 0, result.failures
    assert result.passed
    assert result.traffic.get("GET /me 200", 0) >= scenario.minutes - 1


def test_gateway_faults_answer_as_aws_would(fast_twin: Twin) -> None:
    info = fast_twin.info
    path = Path(info.faults_file)
    try:
        faults.inject(path, "api-outage")
        assert httpx.get(f"{info.rest_url}/health", timeout=10).status_code == 503
        with pytest.raises(InvalidStatus) as refused:
            connect(info.websocket_url, open_timeout=10).close()
        assert refused.value.response.status_code == 503
        faults.clear(path, "api-outage")
        assert httpx.get(f"{info.rest_url}/health", timeout=10).status_code == 200
        faults.inject(path, "signing-keys-unavailable")
        jwks = f"{info.aws_endpoint_url}/{info.user_pool_id}/.well-known/jwks.json"
        assert httpx.get(jwks, timeout=10).status_code == 503
        faults.inject(path, "management-api-errors")
        posted = httpx.post(f"{info.management_url}/@connections/nobody", content=b"x", timeout=10)
        assert posted.status_code == 500
    finally:
        faults.clear(path)
    assert (
        httpx.get(f"{info.aws_endpoint_url}/{info.user_pool_id}/.well-known/jwks.json", timeout=10).status_code == 200
    )


def test_a_throttled_table_reaches_the_function_as_aws_would(fast_twin: Twin) -> None:
    path = Path(fast_twin.info.faults_file)
    faults.inject(path, "dependency-throttle")
    try:
        invocation = fast_twin.invoke("chat", {"warmup": True})
        assert invocation.outcome == "ok"  # warm-up pings touch nothing
        table = boto3.client(
            "dynamodb",
            endpoint_url=fast_twin.info.aws_endpoint_url,
            region_name="us-east-1",
            aws_access_key_id="x",
            aws_secret_access_key="x",
            config=Config(retries={"max_attempts": 1}),
        )
        with pytest.raises(table.exceptions.ProvisionedThroughputExceededException):
            table.get_item(TableName=fast_twin.info.table_name, Key={"PK": {"S": "x"}, "SK": {"S": "y"}})
    finally:
        faults.clear(path)


def test_function_errors_spare_warmup_pings(fast_twin: Twin) -> None:
    path = Path(fast_twin.info.faults_file)
    faults.inject(path, "function-errors", "call")
    try:
        assert fast_twin.invoke("call", {"warmup": True}).outcome == "ok"
        failed = fast_twin.invoke("call", {"httpMethod": "GET", "path": "/calls/x"})
        assert failed.outcome == "error"
        assert failed.error is not None
        assert failed.error["errorType"] == "InjectedFault"
    finally:
        faults.clear(path)
    assert fast_twin.invoke("call", {"warmup": True}).outcome == "ok"
