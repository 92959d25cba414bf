"""Production defaults: a prod deploy needs an explicit, non-local CORS origin (refused before
anything is built or uploaded); the websocket and notifier functions have reserved concurrency
from the stack model; Cognito threat protection is a stack-model option whose price (the Plus
feature plan) is in the price sheet."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
import yaml
from infra import STACK
from infra.template import names, synthesize

from kit.price_sheet import DEFAULT_SHEET
from ops.deploy.errors import DeployError
from ops.deploy.pipeline import DeployRequest, deploy

PRICES = DEFAULT_SHEET


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
    ["http://localhost:8081", "https://app.example.com,http://127.0.0.1:3000", "*", "http://app.example.com"],
)
def test_a_prod_deploy_refuses_a_local_or_wildcard_cors_origin(origins: str) -> None:
    parameters = {names.CORS_ORIGINS_PARAMETER: origins}
    request = DeployRequest(stage="prod", parameters=parameters)
    with pytest.raises(DeployError, match="CorsAllowOrigins"):
        deploy(STACK, request, _Clients(), reporter=None, build=_never_build)  # type: ignore[arg-type]


@pytest.mark.parametrize("parameters", [{names.CORS_ORIGINS_PARAMETER: "https://app.example.com"}, {}])
def test_a_prod_deploy_with_an_https_origin_or_only_the_web_distribution_passes_the_check(
    parameters: dict[str, str],
) -> None:
    request = DeployRequest(stage="prod", parameters=parameters)

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
    assert STACK.stage("dev").local_cors_origins
    assert not STACK.stage("prod").local_cors_origins
    dev = synthesize(STACK, "dev")["Parameters"][names.CORS_ORIGINS_PARAMETER]["Default"]
    prod = synthesize(STACK, "prod")["Parameters"][names.CORS_ORIGINS_PARAMETER]["Default"]
    assert (dev, prod) == ("http://localhost:8081", "")


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
