"""`verify`'s alias checks against a stage in moto: warmed where users arrive, or not."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from infra import STACK
from infra.template import names
from moto import mock_aws

from ops.warmup.alias_check import alias_problems, invoked
from ops.warmup.desired import Place
from ops.warmup.policy import parse_policy
from tests.support.deployed_stage import REGION, deploy_stage

POLICY = parse_policy(
    {
        "functions": {
            "chat": {"method": "ping", "concurrency": 1, "windows": ["always"]},
            "websocket": {"method": "provisioned", "concurrency": 2, "windows": ["always"]},
        }
    },
    STACK,
)
PLACE = Place(STACK, "dev", REGION, "123456789012")


@pytest.fixture
def aws() -> Iterator[Any]:
    with mock_aws():

        def client(service: str) -> Any:
            return boto3.client(service, region_name=REGION)

        yield client


def _problems(client: Any) -> list[str]:
    return alias_problems(client("lambda"), client("apigateway"), client("apigatewayv2"), POLICY, PLACE)


def test_integrations_on_the_latest_live_alias_pass(aws: Any) -> None:
    deploy_stage(aws, STACK, "dev", versions=2)
    assert _problems(aws) == []


def test_integrations_that_invoke_latest_fail_naming_the_route(aws: Any) -> None:
    deploy_stage(aws, STACK, "dev", qualifier=None)
    problems = _problems(aws)
    chat = names.function_name(STACK, "dev", STACK.function("chat"))
    websocket = names.function_name(STACK, "dev", STACK.function("websocket"))
    assert any(f"REST POST /chat invokes {chat} ($LATEST)" in p for p in problems), problems
    assert any("WebSocket integration" in p and websocket in p for p in problems), problems
    # Functions the policy does not warm are not its business.
    assert not any(names.function_name(STACK, "dev", STACK.function("auth")) in p for p in problems)


def test_integrations_on_another_alias_fail(aws: Any) -> None:
    deploy_stage(aws, STACK, "dev", qualifier="canary")
    assert any(":canary, not the 'live' alias" in p for p in _problems(aws))


def test_an_alias_behind_the_latest_version_fails(aws: Any) -> None:
    deploy_stage(aws, STACK, "dev")
    lambda_client = aws("lambda")
    chat = names.function_name(STACK, "dev", STACK.function("chat"))
    lambda_client.update_function_code(FunctionName=chat, ZipFile=b"PK\x05\x06" + b"\0" * 18)
    lambda_client.publish_version(FunctionName=chat)
    (problem,) = _problems(aws)
    assert problem.startswith(f"{chat}:live points at version 1, not the latest published version (2)")


def test_a_stage_that_is_not_deployed_fails(aws: Any) -> None:
    problems = _problems(aws)
    assert any("REST API of chat-platform-dev is not deployed" in p for p in problems)
    assert any("has no 'live' alias" in p for p in problems)


def test_invoked_reads_integration_uris() -> None:
    base = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
    fn = "arn:aws:lambda:us-east-1:1:function:chat-platform-dev-chat"
    assert invoked(f"{base}{fn}/invocations") == ("chat-platform-dev-chat", None)
    assert invoked(f"{base}{fn}:live/invocations") == ("chat-platform-dev-chat", "live")
    assert invoked("https://example.com/") is None
