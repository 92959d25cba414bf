"""The target of a deployed stack, read from its CloudFormation resources."""

from __future__ import annotations

from typing import Any

from infra.model import Stack
from infra.template import names

from kit.target import Target, TargetError, rest_api_name

MISSING = "not-deployed"


def _physical_ids(cloudformation: Any, stack_name: str) -> dict[str, str]:
    out: dict[str, str] = {}
    paginator = cloudformation.get_paginator("list_stack_resources")
    for page in paginator.paginate(StackName=stack_name):
        for resource in page.get("StackResourceSummaries", []):
            if resource.get("PhysicalResourceId"):
                out[resource["LogicalResourceId"]] = resource["PhysicalResourceId"]
    return out


def deployed_target(stack: Stack, stage: str, cloudformation: Any) -> Target:
    """The target of ``stage`` as deployed (``ops deploy``): physical names from the stack.

    TargetError when the stack does not exist or lacks its functions. Resources an emulator's
    CloudFormation skips (the WebSocket API, the user pool) become ``not-deployed``.
    """
    stack_name = names.stack_name(stack, stage)
    try:
        description = cloudformation.describe_stacks(StackName=stack_name)["Stacks"][0]
    except Exception as error:
        if "does not exist" in str(error):
            raise TargetError(
                f"stack {stack_name} is not deployed in {cloudformation.meta.region_name}:"
                f" run `ops deploy --stage {stage}`,"
                " or pass --info-file to use the local twin"
            ) from None
        raise
    physical = _physical_ids(cloudformation, stack_name)
    missing = [f.name for f in stack.functions if names.function_id(f) not in physical]
    if missing:
        raise TargetError(f"stack {stack_name} has no function(s) {', '.join(missing)}: deploy the current model first")
    arn_parts = str(description["StackId"]).split(":")
    topic_arn = physical.get(names.ALARM_TOPIC, MISSING)

    def get(logical: str) -> str:
        return physical.get(logical, MISSING)

    return Target(
        prefix=stack_name,
        stage=stage,
        region=arn_parts[3],
        account_id=arn_parts[4],
        partition=arn_parts[1],
        function_names={f.name: physical[names.function_id(f)] for f in stack.functions},
        rest_api_name=rest_api_name(stack, stage),
        rest_stage=stack.rest_api.stage,
        websocket_api_id=get(stack.websocket_api.logical_name),
        websocket_stage=stack.websocket_api.stage,
        table_name=get(stack.table.logical_name),
        bucket_name=get(stack.bucket.logical_name),
        user_pool_id=get(stack.user_pool.logical_name),
        user_pool_client_id=get(names.user_pool_client_id(stack)),
        alarm_topic_arn=topic_arn,
        alarm_topic_name=topic_arn.rsplit(":", 1)[-1],
        alarm_email_topic_arn=physical.get(names.ALARM_EMAIL_TOPIC, ""),
    )
