"""Warm-up pings return before any downstream call, emit no business metric, and absorb the
cold start so the next user request is not reported as one."""

from __future__ import annotations

import json

import pytest
from aws_lambda_powertools.metrics.provider import cold_start
from backend.store.table import dynamodb_client
from backend.warmup import is_warmup

from tests.support.api import Api
from tests.support.calls import counting
from tests.support.events import rest_event, sample
from tests.support.lambda_context import FakeLambdaContext


def _emf(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{") and '"_aws"' in line]


@pytest.mark.parametrize("name", ["warmup.json", "scheduled_warmup.json"])
def test_warmup_shapes_are_recognised(name: str) -> None:
    assert is_warmup(sample(name))


@pytest.mark.parametrize(
    "event",
    [
        {},
        {"warmup": "true"},
        {"detail": {"warmup": True}},
        [],
        None,
        {"source": "aws.events", "detail": {"warmup": False}},
    ],
)
def test_other_events_are_not_warmups(event) -> None:
    assert not is_warmup(event)


def test_warmup_makes_no_downstream_call_and_no_business_metric(api: Api, capsys) -> None:
    from backend.handlers import chat

    cold_start.is_cold_start = True
    capsys.readouterr()
    with counting(dynamodb_client()) as counts:
        response = chat.handler(sample("warmup.json"), FakeLambdaContext())
    assert response["statusCode"] == 200
    assert sum(counts.values()) == 0
    metrics = _emf(capsys.readouterr().out)
    names = {m["Name"] for entry in metrics for d in entry["_aws"]["CloudWatchMetrics"] for m in d["Metrics"]}
    assert names == {"WarmupPings", "WarmupColdStarts"}
    # the next real request is warm: no ColdStart metric
    user = api.sign_up()
    capsys.readouterr()
    event = rest_event("GET", "/me", token=user.id_token)
    api.authorizer.authorize(event)
    assert chat.handler(event, FakeLambdaContext())["statusCode"] == 200
    names = {
        m["Name"]
        for entry in _emf(capsys.readouterr().out)
        for d in entry["_aws"]["CloudWatchMetrics"]
        for m in d["Metrics"]
    }
    assert "ColdStart" not in names


def test_a_cold_user_request_reports_its_cold_start(api: Api, capsys) -> None:
    from backend.handlers import auth

    cold_start.is_cold_start = True
    capsys.readouterr()
    auth.handler(rest_event("GET", "/health"), FakeLambdaContext(function_name="auth"))
    entries = _emf(capsys.readouterr().out)
    cold = [e for e in entries if "ColdStart" in e]
    assert cold, entries
    assert cold[0]["function_name"] == "auth"


def test_overlapping_pings_hold_their_environment_briefly(api: Api, monkeypatch) -> None:
    from backend import observability
    from backend.handlers import chat

    slept: list[float] = []
    monkeypatch.setattr(observability.time, "sleep", slept.append)
    chat.handler({"warmup": True, "concurrency": 3, "holdMs": 150}, FakeLambdaContext())
    chat.handler({"warmup": True, "holdMs": 10**9}, FakeLambdaContext())
    chat.handler({"warmup": True, "holdMs": "150"}, FakeLambdaContext())
    assert slept == [0.15, 1.0]
