"""Functions that run on a schedule of their own (``Function.schedule``, the canary): an
EventBridge Scheduler schedule each, and a role that may invoke exactly that function."""

from __future__ import annotations

from typing import Any

from infra.model import Function
from infra.template import names
from infra.template.context import SynthContext
from infra.template.functions import alias_arn
from infra.template.intrinsics import get_att, sub


def schedule_id(function: Function) -> str:
    """Logical id of a function's schedule (``CanarySchedule``)."""
    return f"{names.camel(function.name)}Schedule"


def schedule_role_id(function: Function) -> str:
    """Logical id of the role EventBridge Scheduler assumes to invoke the function."""
    return f"{names.camel(function.name)}ScheduleRole"


def _role(ctx: SynthContext, function: Function) -> dict[str, Any]:
    return {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "Description": f"EventBridge Scheduler invoking the {function.name} function ({ctx.prefix})",
            "AssumeRolePolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "scheduler.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                        # Only schedules of this account may use the role (confused deputy).
                        "Condition": {"StringEquals": {"aws:SourceAccount": sub("${AWS::AccountId}")}},
                    }
                ],
            },
            "Policies": [
                {
                    "PolicyName": "invoke-function",
                    "PolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Action": "lambda:InvokeFunction",
                                "Resource": alias_arn(function),
                            }
                        ],
                    },
                }
            ],
        },
    }


def _schedule(ctx: SynthContext, function: Function) -> dict[str, Any]:
    assert function.schedule is not None
    return {
        "Type": "AWS::Scheduler::Schedule",
        "Properties": {
            "Name": names.function_name(ctx.stack, ctx.stage.name, function),
            "Description": f"Runs the {function.name} function: {function.schedule}",
            "ScheduleExpression": function.schedule,
            "FlexibleTimeWindow": {"Mode": "OFF"},
            "State": "ENABLED",
            "Target": {
                # Like every caller, the schedule invokes the function's live alias.
                "Arn": alias_arn(function),
                "RoleArn": get_att(schedule_role_id(function), "Arn"),
                # A late probe says nothing about now: no retries, nothing older than a minute.
                "RetryPolicy": {"MaximumRetryAttempts": 0, "MaximumEventAgeInSeconds": 60},
            },
        },
    }


def resources(ctx: SynthContext) -> dict[str, Any]:
    """Schedule and invoking role of every scheduled function in the model."""
    out: dict[str, Any] = {}
    for function in ctx.stack.functions:
        if function.schedule is None:
            continue
        out[schedule_id(function)] = _schedule(ctx, function)
        out[schedule_role_id(function)] = _role(ctx, function)
    return out
