"""The warm-up policy as CloudFormation resources, so that a deploy and `ops warmup apply`
create the same schedules under the same names (and `verify` after a deploy finds no drift).

A template contributor (``infra.template.Contributor``), listed in ``ops.deploy.synth``, since
infra does not import ops.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from infra.model import Stack
from infra.template.names import camel, function_id, stack_name

from ops.warmup.desired import ALIAS, DIMENSION, Place, desired_state
from ops.warmup.policy import DEFAULT_PATH, Policy, load_policy

REPOSITORY_POLICY = Path(__file__).resolve().parents[2] / DEFAULT_PATH
_SUB_REGION, _SUB_ACCOUNT = "${AWS::Region}", "${AWS::AccountId}"
GROUP_ID = "WarmupScheduleGroup"
ROLE_ID = "WarmupSchedulerRole"


def _sub(text: str) -> Any:
    return {"Fn::Sub": text} if "${" in text else text


def resources_for(policy: Policy, stack: Stack, stage: str) -> dict[str, Any]:
    """Template resources of ``policy``: schedule group, scheduler role, schedules, and for
    provisioned concurrency a published version, the ``live`` alias and its scaling."""
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
                                    "Resource": [
                                        {"Fn::GetAtt": [function_id(stack.function(name)), "Arn"]} for name in pinged
                                    ],
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
                    "Arn": {"Fn::GetAtt": [function_id(stack.function(function)), "Arn"]},
                    "RoleArn": {"Fn::GetAtt": [ROLE_ID, "Arn"]},
                    "Input": schedule.input,
                },
            },
        }
    for target in state.targets.values():
        name = next(p.function for p in policy.functions if place.resource_id(p.function) == target.resource_id)
        fid = function_id(stack.function(name))
        actions = [a for a in state.actions.values() if a.resource_id == target.resource_id]
        out[f"{fid}Version"] = {"Type": "AWS::Lambda::Version", "Properties": {"FunctionName": {"Ref": fid}}}
        out[f"{fid}LiveAlias"] = {
            "Type": "AWS::Lambda::Alias",
            "Properties": {
                "FunctionName": {"Ref": fid},
                "Name": ALIAS,
                "FunctionVersion": {"Fn::GetAtt": [f"{fid}Version", "Version"]},
            },
        }
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
        out[f"{fid}ProvisionedConcurrency"] = {
            "Type": "AWS::ApplicationAutoScaling::ScalableTarget",
            "DependsOn": [f"{fid}LiveAlias"],
            "Properties": properties,
        }
    return out


def warmup_contributor(stack: Stack, stage: str) -> dict[str, Any]:
    """The repository's warmup.yaml as template resources (none when there is no policy)."""
    if not REPOSITORY_POLICY.exists():
        return {}
    return resources_for(load_policy(REPOSITORY_POLICY, stack), stack, stage)
