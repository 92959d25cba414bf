"""On call against a twin with a fast clock and demo-like traffic (messages that fan out):
`ops status` exits 0 while healthy; with a fault injected into the chat function it shows the
alarm in ALARM and the error messages, and exits 1; `ops logs --correlation-id` gathers one
user action's lines from both functions it went through (chat, then websocket)."""

from __future__ import annotations

import dataclasses
import json
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import boto3
import httpx
import pytest
from botocore.config import Config
from infra import STACK
from typer.testing import CliRunner
from websockets.sync.client import connect

from alarms.evaluator import ScaledClock
from ops.cli import app
from ops.local import faults
from ops.local.twin import Twin, TwinConfig
from ops.prove.traffic import PASSWORD, Traffic, wait_for

PREFIX = "chat-platform-dev-"
CHAT_ERROR_ALARMS = (f"{PREFIX}chat-lambda-error-rate-critical", f"{PREFIX}chat-lambda-error-count-critical")


@pytest.fixture(scope="module")
def fast_twin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Twin]:
    # Without the scheduled canary: on a loaded machine its every-minute runs can miss a twin
    # minute, which its alarm turns into ServiceHealth ALARM (tests/integration/test_alarms_prove.py).
    stack = dataclasses.replace(STACK, functions=tuple(f for f in STACK.functions if not f.schedule))
    config = TwinConfig(port=0, clock_speed=30, stack=stack, state_dir=tmp_path_factory.mktemp("oncall"))
    with Twin(config) as running:
        yield running


@pytest.fixture(scope="module")
def info_file(fast_twin: Twin, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("info") / "i.json"
    path.write_text(fast_twin.info.to_json())
    return path


@pytest.fixture(scope="module")
def traffic(fast_twin: Twin) -> Iterator[Traffic]:
    info = fast_twin.info
    running = Traffic(info.rest_url, info.websocket_url, ScaledClock(info.clock_speed, info.clock_origin))
    running.sign_in()
    running.run("medium", messages=True)  # the demo's kind of traffic: messages that fan out
    yield running
    running.stop()


def _states(fast_twin: Twin) -> dict[str, str]:
    cloudwatch = boto3.client(
        "cloudwatch",
        endpoint_url=fast_twin.info.aws_endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
        config=Config(retries={"max_attempts": 1}),
    )
    answer = cloudwatch.describe_alarms(AlarmNamePrefix=PREFIX, AlarmTypes=["CompositeAlarm", "MetricAlarm"])
    return {a["AlarmName"]: a["StateValue"] for a in answer["MetricAlarms"] + answer["CompositeAlarms"]}


def _ops(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout + result.stderr


def _post(
    http: httpx.Client, path: str, body: dict[str, str | list[str]], expect: int, **headers: str
) -> httpx.Response:
    """POST as the mobile client does: a throttled or unavailable answer (429, 5xx: a loaded
    machine's twin) is retried with backoff, a bounded number of times."""
    for attempt in range(6):
        answer = http.post(path, json=body, headers=headers)
        if answer.status_code not in (429, 500, 502, 503, 504):
            break
        time.sleep(0.25 * 2**attempt)
    assert answer.status_code == expect, (path, answer.status_code, answer.text)
    return answer


def _user(http: httpx.Client, name: str) -> tuple[str, str]:
    email = f"{name}-{uuid.uuid4().hex[:10]}@example.com"
    registered = _post(http, "/auth/register", {"email": email, "password": PASSWORD, "name": name}, 201)
    login = _post(http, "/auth/login", {"email": email, "password": PASSWORD}, 200)
    return registered.json()["userId"], login.json()["idToken"]


def test_a_healthy_twin_is_exit_0(fast_twin: Twin, info_file: Path, traffic: Traffic) -> None:
    # Given demo-like traffic long enough for the chat alarms to judge it (OK, not INSUFFICIENT_DATA)
    assert wait_for(lambda: _states(fast_twin).get(CHAT_ERROR_ALARMS[0]) == "OK", 120) is not None, _states(fast_twin)
    # When the on-call engineer asks what is wrong
    code, output = _ops("status", "--info-file", str(info_file), "--format", "json")
    # Then nothing is in ALARM, and the screen has the traffic it was given
    assert code == 0, output
    screen = json.loads(output)
    assert screen["healthy"] is True
    assert not [a for a in screen["alarms"] if a["state"] == "ALARM"]
    chat = next(f for f in screen["functions"] if f["function"] == "chat")
    assert chat["invocations"] > 0 and chat["errors"] == 0
    assert chat["timeout_ms"] == STACK.function("chat").timeout_s * 1000
    rest = next(a for a in screen["apis"] if a["api"] == "REST")
    assert rest["requests"] > 0 and rest["server_errors"] == 0
    assert screen["deployment"]["status"] == "LOCAL_TWIN"
    assert any(name.endswith("-overview") for name in screen["dashboards"])


def test_one_user_action_is_followed_through_chat_and_websocket(fast_twin: Twin, info_file: Path) -> None:
    # Given Ada and Bob in a conversation, Bob connected over the WebSocket
    info = fast_twin.info
    correlation_id = f"oncall-{uuid.uuid4().hex[:12]}"
    args = ("logs", "--correlation-id", correlation_id, "--info-file", str(info_file), "--format", "json")

    def both_functions() -> bool:
        fast_twin.flush()  # the twin sends log lines every half second; this is now
        code, output = _ops(*args)
        return code == 0 and {line["function"] for line in json.loads(output)["lines"]} == {"chat", "websocket"}

    with httpx.Client(base_url=info.rest_url, timeout=30) as http:
        _ada_id, ada_token = _user(http, "ada")
        bob_id, bob_token = _user(http, "bob")
        created = _post(http, "/conversations", {"participantIds": [bob_id]}, 201, Authorization=f"Bearer {ada_token}")
        conversation = created.json()["conversationId"]
        with connect(f"{info.websocket_url}?token={bob_token}", open_timeout=10) as bob:
            # When Ada sends over REST naming her correlation id (the chat function fans it out)
            _post(
                http,
                f"/conversations/{conversation}/messages",
                {"clientMessageId": str(uuid.uuid4()), "content": "are you on call?"},
                201,
                **{"Authorization": f"Bearer {ada_token}", "X-Correlation-Id": correlation_id},
            )
            event = json.loads(bob.recv(timeout=10))
            # ... the event Bob's device receives carries it, and his read marker (the websocket
            # function) sends it back
            assert event["type"] == "message.new" and event["correlationId"] == correlation_id
            message_id = event["message"]["messageId"]
            bob.send(
                json.dumps(
                    {
                        "action": "markRead",
                        "conversationId": conversation,
                        "messageId": message_id,
                        "correlationId": correlation_id,
                    }
                )
            )
            wait_for(both_functions, 30, step_s=1.0)  # the socket stays open while the frame is served
    # Then `ops logs --correlation-id` shows both functions' lines, in time order
    code, output = _ops(*args)
    assert code == 0, output
    lines = json.loads(output)["lines"]
    functions = {line["function"] for line in lines}
    assert functions == {"chat", "websocket"}, lines
    assert [line["timestamp"] for line in lines] == sorted(line["timestamp"] for line in lines)
    handled = [line for line in lines if line["message"] == "request handled"]
    assert {(line["function"], line["fields"]["route"]) for line in handled} == {
        ("chat", "POST /conversations/{conversationId}/messages"),
        ("websocket", "markRead"),
    }
    assert all(line["correlation_id"] == correlation_id for line in handled)
    # ... with Lambda's own lines of both invocations (START ... REPORT)
    assert {line["function"] for line in lines if line["message"].startswith("REPORT")} == {"chat", "websocket"}
    chat_first = next(i for i, line in enumerate(lines) if line["function"] == "chat")
    websocket_first = next(i for i, line in enumerate(lines) if line["function"] == "websocket")
    assert chat_first < websocket_first
    # ... and readably by default
    code, text = _ops("logs", "--correlation-id", correlation_id, "--info-file", str(info_file))
    assert code == 0 and "request handled" in text and "route=markRead" in text, text


def test_a_fault_shows_the_alarm_and_the_errors_and_is_exit_1(
    fast_twin: Twin, info_file: Path, traffic: Traffic
) -> None:
    path = Path(fast_twin.info.faults_file)
    faults.inject(path, "function-errors", function="chat")
    try:
        # Given the chat function failing until its error alarm fires
        fired = wait_for(lambda: any(_states(fast_twin).get(a) == "ALARM" for a in CHAT_ERROR_ALARMS), 180)
        assert fired is not None, _states(fast_twin)
        fast_twin.flush()
        # When the on-call engineer asks what is wrong
        code, output = _ops("status", "--info-file", str(info_file))
        # Then the screen names the alarm and the error the function logs, and exits 1
        assert code == 1, output
        assert "UNHEALTHY" in output
        assert any(alarm in output for alarm in CHAT_ERROR_ALARMS), output
        assert "InjectedFault: function-errors injected into chat" in output
        assert "runbooks.md#" in output
        code, data = _ops("status", "--info-file", str(info_file), "--format", "json")
        assert code == 1
        screen = json.loads(data.split("\nerror:")[0])
        firing = {a["name"]: a for a in screen["alarms"] if a["state"] == "ALARM"}
        chat_alarm = next(firing[a] for a in CHAT_ERROR_ALARMS if a in firing)
        assert chat_alarm["value"] is not None and chat_alarm["threshold"] is not None
        assert chat_alarm["value"] >= chat_alarm["threshold"]
        assert chat_alarm["runbook"] and "runbooks.md#" in chat_alarm["runbook"]
        assert chat_alarm["since"]
        top = screen["errors"][0]
        assert top["function"] == "chat" and "InjectedFault" in top["message"] and top["count"] >= 2
        chat = next(f for f in screen["functions"] if f["function"] == "chat")
        assert chat["errors"] > 0 and chat["error_rate"] > 0.2
        # ... and the id shown with the error leads to the failed invocation's lines
        code, logs = _ops("logs", "--correlation-id", top["example_id"], "--since", "1h", "--info-file", str(info_file))
        assert code == 0, logs
        assert "START RequestId" in logs and "InjectedFault" in logs and "REPORT RequestId" in logs
        # ... and `ops logs --function chat --level ERROR` lists the errors alone
        code, errors_only = _ops(
            "logs", "--function", "chat", "--level", "ERROR", "--info-file", str(info_file), "--format", "json"
        )
        assert code == 0
        levels = {line["level"] for line in json.loads(errors_only)["lines"]}
        assert levels == {"ERROR"}
    finally:
        faults.clear(path)


def test_a_wrong_function_is_exit_2_naming_the_valid_ones(info_file: Path) -> None:
    code, output = _ops("logs", "--function", "chatt", "--info-file", str(info_file))
    assert code == 2
    assert "no function 'chatt'" in output and "chat, " in output and "websocket" in output
