"""The target of a deployed stack, read from its CloudFormation resources."""

from __future__ import annotations

from typing import Any

import pytest
from infra import STACK
from infra.template import names
from moto import mock_aws

from alarms.resolve import MISSING, deployed_target
from kit.target import TargetError


class FakeCloudFormation:
    """The two calls deployed_target makes, answered from a dict of physical ids."""

    class meta:
        region_name = "eu-west-1"

    def __init__(self, physical: dict[str, str] | None) -> None:
        self.physical = physical

    def describe_stacks(self, StackName: str) -> dict[str, Any]:
        if self.physical is None:
            raise RuntimeError(f"Stack with id {StackName} does not exist")
        return {"Stacks": [{"StackId": f"arn:aws:cloudformation:eu-west-1:111122223333:stack/{StackName}/abc"}]}

    def get_paginator(self, name: str) -> Any:
        physical = self.physical or {}

        class Pages:
            def paginate(self, StackName: str) -> list[dict[str, Any]]:
                return [
                    {
                        "StackResourceSummaries": [
                            {"LogicalResourceId": k, "PhysicalResourceId": v} for k, v in physical.items()
                        ]
                    }
                ]

        return Pages()


def _physical() -> dict[str, str]:
    out = {names.function_id(f): f"chat-platform-prod-{f.name}" for f in STACK.functions}
    out.update(
        {
            STACK.websocket_api.logical_name: "ws12345678",
            STACK.bucket.logical_name: "chat-platform-prod-mediabucket-1a2b3c",
            STACK.user_pool.logical_name: "eu-west-1_Pool",
            names.user_pool_client_id(STACK): "client",
            STACK.table.logical_name: "chat-platform-prod-chattable",
            names.ALARM_TOPIC: "arn:aws:sns:eu-west-1:111122223333:chat-platform-prod-alarms",
        }
    )
    return out


def test_physical_names_come_from_the_stack() -> None:
    target = deployed_target(STACK, "prod", FakeCloudFormation(_physical()))
    assert (target.region, target.account_id, target.prefix) == ("eu-west-1", "111122223333", "chat-platform-prod")
    assert target.websocket_api_id == "ws12345678"
    assert target.alarm_topic_name == "chat-platform-prod-alarms"
    assert target.alarm_arn("x") == "arn:aws:cloudwatch:eu-west-1:111122223333:alarm:x"


def test_resources_an_emulator_skipped_are_marked() -> None:
    physical = _physical()
    del physical[STACK.user_pool.logical_name]
    assert deployed_target(STACK, "prod", FakeCloudFormation(physical)).user_pool_id == MISSING


def test_a_missing_stack_or_function_is_a_clear_error() -> None:
    with pytest.raises(TargetError, match="is not deployed in eu-west-1: run `ops deploy --stage prod`"):
        deployed_target(STACK, "prod", FakeCloudFormation(None))
    physical = _physical()
    del physical["ChatFunction"]
    with pytest.raises(TargetError, match="no function"):
        deployed_target(STACK, "prod", FakeCloudFormation(physical))


def test_moto_says_a_stack_does_not_exist_the_same_way() -> None:
    import boto3

    with mock_aws(), pytest.raises(TargetError, match="is not deployed"):
        deployed_target(STACK, "dev", boto3.client("cloudformation", region_name="us-east-1"))
