"""The warm-up policy as CloudFormation resources, so that a deploy and `ops warmup apply`
create the same schedules under the same names (and `verify` after a deploy finds no drift).

A template contributor (``infra.template.Contributor``), listed in ``ops.deploy.synth``, since
infra does not import ops.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from infra.model import Stack
from infra.template import TemplateError
from infra.template.names import camel, function_alias_id, function_id, stack_name

from ops.warmup.desired import DIMENSION, Place, desired_state
from ops.warmup.policy import DEFAULT_PATH, Policy, load_policy

REPOSITORY_POLICY = Path(__file__).resolve().parents[2] / DEFAULT_PATH
_SUB_REGION, _SUB_ACCOUNT = "${AWS::Region}", "${AWS::AccountId}"
GROUP_ID = "WarmupScheduleGroup"
ROLE_ID = "WarmupSchedulerRole"


def _sub(text: str) -> Any:
    return {"Fn::Sub": text} if "${" in text else text


def resources_for(policy: Policy, stack: Stack, stage: str) -> dict[str, Any]:
    """Template resources of ``policy``: schedule group, scheduler role, schedules, and for
    provisioned concurrency the scaling of the ``live`` alias. Every function's version and
    alias come from the core template (``infra.template.functions``); pings and provisioned
    environments both target that alias, the one the APIs invoke."""
    if not policy.functions:
        return {}
    place = Place(stack, stage, _SUB_REGION, _SUB_ACCOUNT)
    state = desired_state(policy, place)
    out: dict[str, Any] = {}
    pinged = sorted({p.function for p in policy.functions if p.method == "ping"})
    if state.schedules:
        out[GROUP_ID] = {"Type": "AWS::Scheduler::ScheduleGroup", "Properties": {"Name": place.group}}
        out[ROLE_ID] = {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "RoleName": f"{stack_name(stack, stage)}-warmup-scheduler",
                "AssumeRolePolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "scheduler.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                            "Condition": {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}},
                        }
                    ],
                },
                "Policies": [
                    {
                        "PolicyName": "invoke-warmed-functions",
                        "PolicyDocument": {
                            "Version": "2012-10-17",
                            "Statement": [
                                {
                                    "Effect": "Allow",
                                    "Action": "lambda:InvokeFunction",
                                    "Resource": [{"Ref": function_alias_id(stack.function(name))} for name in pinged],
                                }
                            ],
                        },
                    }
                ],
            },
        }
    for schedule in state.schedules.values():
        function = schedule.name.split("-w", 1)[0]
        out[f"WarmupSchedule{camel(schedule.name)}"] = {
            "Type": "AWS::Scheduler::Schedule",
            "DependsOn": [GROUP_ID],
            "Properties": {
                "Name": schedule.name,
                "GroupName": place.group,
                "ScheduleExpression": schedule.expression,
                "ScheduleExpressionTimezone": schedule.timezone,
                "FlexibleTimeWindow": {"Mode": "OFF"},
                "State": "ENABLED",
                "Target": {
                    "Arn": {"Ref": function_alias_id(stack.function(function))},
                    "RoleArn": {"Fn::GetAtt": [ROLE_ID, "Arn"]},
                    "Input": schedule.input,
                },
            },
        }
    for target in state.targets.values():
        name = next(p.function for p in policy.functions if place.resource_id(p.function) == target.resource_id)
        if stack.function(name).snap_start:
            raise TemplateError(
                f"{name}: SnapStart cannot be combined with provisioned concurrency (Lambda refuses it)"
            )
        alias = function_alias_id(stack.function(name))
        actions = [a for a in state.actions.values() if a.resource_id == target.resource_id]
        properties: dict[str, Any] = {
            "ServiceNamespace": "lambda",
            "ScalableDimension": DIMENSION,
            "ResourceId": _sub(target.resource_id),
            "MinCapacity": target.min_capacity,
            "MaxCapacity": target.max_capacity,
        }
        if actions:
            properties["ScheduledActions"] = [
                {
                    "ScheduledActionName": a.name,
                    "Schedule": a.expression,
                    "Timezone": a.timezone,
                    "ScalableTargetAction": {"MinCapacity": a.min_capacity, "MaxCapacity": a.max_capacity},
                }
                for a in actions
            ]
        out[f"{function_id(stack.function(name))}ProvisionedConcurrency"] = {
            "Type": "AWS::ApplicationAutoScaling::ScalableTarget",
            "DependsOn": [alias],
            "Properties": properties,
        }
    return out


def with_snapstart(stack: Stack, policy: Policy) -> Stack:
    """``stack`` with SnapStart on for every function the policy gives ``method: snapstart``
    (the function's own property, so infra's function resource carries it)."""
    chosen = {p.function for p in policy.functions if p.method == "snapstart"}
    if not chosen:
        return stack
    return replace(stack, functions=tuple(replace(f, snap_start=f.name in chosen) for f in stack.functions))


def repository_snapstart(stack: Stack) -> Stack:
    """``with_snapstart`` for the repository's warmup.yaml (unchanged without one)."""
    if not REPOSITORY_POLICY.exists():
        return stack
    return with_snapstart(stack, load_policy(REPOSITORY_POLICY, stack))


def warmup_contributor(stack: Stack, stage: str) -> dict[str, Any]:
    """The repository's warmup.yaml as template resources (none when there is no policy)."""
    if not REPOSITORY_POLICY.exists():
        return {}
    return resources_for(load_policy(REPOSITORY_POLICY, stack), stack, stage)
