"""Production defaults: a prod deploy needs an explicit, non-local CORS origin (refused before
anything is built or uploaded); the websocket and notifier functions have reserved concurrency
from the stack model; Cognito threat protection is a stack-model option whose price (the Plus
feature plan) is in the price sheet."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
import yaml
from infra import STACK
from infra.template import names, synthesize

from ops.deploy.errors import DeployError
from ops.deploy.pipeline import DeployRequest, deploy

PRICES = Path(__file__).resolve().parents[3] / "ops" / "cost" / "prices.yaml"


class _NoStack:
    """CloudFormation that has no stack yet (and fails the test if asked for more)."""

    def describe_stacks(self, **_: Any) -> dict[str, Any]:
        from botocore.exceptions import ClientError

        raise ClientError({"Error": {"Code": "ValidationError", "Message": "does not exist"}}, "DescribeStacks")


class _Clients:
    cloudformation = _NoStack()
    region = "us-east-1"


def _never_build(*_: Any) -> list[Any]:
    raise AssertionError("nothing may be built before the CORS check")


@pytest.mark.parametrize(
    "origins",
    [None, "http://localhost:8081", "https://app.example.com,http://127.0.0.1:3000", "*", "http://app.example.com"],
)
def test_a_prod_deploy_refuses_a_local_or_missing_cors_origin(origins: str | None) -> None:
    parameters = {} if origins is None else {names.CORS_ORIGINS_PARAMETER: origins}
    request = DeployRequest(stage="prod", parameters=parameters)
    with pytest.raises(DeployError, match="CorsAllowOrigins"):
        deploy(STACK, request, _Clients(), reporter=None, build=_never_build)  # type: ignore[arg-type]


def test_a_prod_deploy_with_an_https_origin_passes_the_check() -> None:
    request = DeployRequest(stage="prod", parameters={names.CORS_ORIGINS_PARAMETER: "https://app.example.com"})

    class Built(Exception):
        pass

    def build(*_: Any) -> list[Any]:
        raise Built

    class Reporter:
        def step(self, _: str) -> None:
            pass

    with pytest.raises(Built):
        deploy(STACK, request, _Clients(), Reporter(), build=build)  # type: ignore[arg-type]


def test_dev_keeps_the_local_default() -> None:
    assert not STACK.stage("dev").explicit_cors
    assert STACK.stage("prod").explicit_cors


@pytest.mark.parametrize("name", ["websocket", "notifier"])
def test_reserved_concurrency_from_the_stack_model(name: str) -> None:
    function = STACK.function(name)
    assert function.reserved_concurrency
    template = synthesize(STACK, "prod")
    (resource,) = [
        r
        for r in template["Resources"].values()
        if r["Type"] == "AWS::Lambda::Function" and r["Properties"].get("Description") == function.description
    ]
    assert resource["Properties"]["ReservedConcurrentExecutions"] == function.reserved_concurrency


def _pool(stack) -> dict[str, Any]:
    template = synthesize(stack, "prod")
    return template["Resources"][stack.user_pool.logical_name]["Properties"]


def test_threat_protection_is_an_option_with_its_price() -> None:
    assert STACK.user_pool.threat_protection == "off"
    off = _pool(STACK)
    assert "UserPoolAddOns" not in off
    guarded = dataclasses.replace(STACK, user_pool=dataclasses.replace(STACK.user_pool, threat_protection="enforced"))
    on = _pool(guarded)
    assert on["UserPoolAddOns"] == {"AdvancedSecurityMode": "ENFORCED"}
    assert on["UserPoolTier"] == "PLUS"
    prices = yaml.safe_load(PRICES.read_text())
    items = prices["meters"]
    for stack in (STACK, guarded):
        assert f"cognito.mau.{stack.user_pool.feature_plan}" in items
    assert guarded.user_pool.feature_plan == "plus"
