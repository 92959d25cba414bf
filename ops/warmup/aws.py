"""Read and change the warm-up resources in AWS (or the local twin, through --endpoint-url)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from ops.warmup.desired import DIMENSION, Place, ScalableTarget, Schedule, ScheduledAction, State
from ops.warmup.plan import Change

NAMESPACE = "lambda"


def _pages(client: Any, operation: str, key: str, **kwargs: Any) -> list[dict[str, Any]]:
    """Every item under ``key`` of every page of ``operation`` (botocore's paginator)."""
    pages = client.get_paginator(operation).paginate(**kwargs)
    return [item for page in pages for item in page.get(key, [])]


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def read_state(scheduler: Any, autoscaling: Any, place: Place) -> State:
    """What the stage holds now: schedules in the warm-up group, the stack's functions'
    scalable targets and the scheduled actions the policy owns."""
    state = State()
    try:
        summaries = _pages(scheduler, "list_schedules", "Schedules", GroupName=place.group)
    except ClientError as error:
        if _code(error) != "ResourceNotFoundException":
            raise
        summaries = []
    for summary in summaries:
        if summary.get("GroupName", place.group) != place.group:
            continue
        detail = scheduler.get_schedule(Name=summary["Name"], GroupName=place.group)
        target = detail.get("Target", {})
        state.schedules[detail["Name"]] = Schedule(
            name=detail["Name"],
            expression=detail.get("ScheduleExpression", ""),
            timezone=detail.get("ScheduleExpressionTimezone") or "UTC",
            target_arn=target.get("Arn", ""),
            input=_normal_json(target.get("Input", "{}")),
            role_arn=target.get("RoleArn", ""),
        )
    ours = {place.resource_id(f.name) for f in place.stack.functions}
    for target in _pages(autoscaling, "describe_scalable_targets", "ScalableTargets", ServiceNamespace=NAMESPACE):
        if target["ResourceId"] in ours and target.get("ScalableDimension") == DIMENSION:
            state.targets[target["ResourceId"]] = ScalableTarget(
                target["ResourceId"], int(target["MinCapacity"]), int(target["MaxCapacity"])
            )
    for action in _pages(autoscaling, "describe_scheduled_actions", "ScheduledActions", ServiceNamespace=NAMESPACE):
        name = action["ScheduledActionName"]
        if not name.startswith(place.action_prefix):
            continue
        bounds = action.get("ScalableTargetAction", {})
        state.actions[name] = ScheduledAction(
            name=name,
            resource_id=action["ResourceId"],
            expression=action.get("Schedule", ""),
            timezone=action.get("Timezone") or "UTC",
            min_capacity=int(bounds.get("MinCapacity", 0)),
            max_capacity=int(bounds.get("MaxCapacity", 0)),
        )
    return state


def _normal_json(text: str) -> str:
    try:
        return json.dumps(json.loads(text), sort_keys=True)
    except ValueError:
        return text


def _ensure_group(scheduler: Any, place: Place) -> None:
    try:
        scheduler.get_schedule_group(Name=place.group)
    except ClientError as error:
        if _code(error) != "ResourceNotFoundException":
            raise
        scheduler.create_schedule_group(Name=place.group)


def _schedule_args(schedule: Schedule, place: Place) -> dict[str, Any]:
    return {
        "Name": schedule.name,
        "GroupName": place.group,
        "ScheduleExpression": schedule.expression,
        "ScheduleExpressionTimezone": schedule.timezone,
        "FlexibleTimeWindow": {"Mode": "OFF"},
        "State": "ENABLED",
        "Target": {
            "Arn": schedule.target_arn,
            "RoleArn": schedule.role_arn or place.role_arn(),
            "Input": schedule.input,
        },
        "Description": "warm-up ping (ops warmup apply; see docs/warmup.md)",
    }


_ORDER = {
    ("create", "schedule"): 0,
    ("update", "schedule"): 0,
    ("delete", "schedule"): 0,
    ("create", "scalable target"): 1,
    ("update", "scalable target"): 1,
    ("create", "scheduled action"): 2,
    ("update", "scheduled action"): 2,
    ("delete", "scheduled action"): 3,
    ("delete", "scalable target"): 4,
}


def apply_changes(
    scheduler: Any,
    autoscaling: Any,
    place: Place,
    changes: list[Change],
    progress: Callable[[Change], None] | None = None,
) -> None:
    """Make AWS match: scalable targets before their actions, actions deleted before targets."""
    if any(c.kind == "schedule" and c.verb != "delete" for c in changes):
        _ensure_group(scheduler, place)
    for change in sorted(changes, key=lambda c: _ORDER[(c.verb, c.kind)]):
        _apply_one(scheduler, autoscaling, place, change)
        if progress is not None:
            progress(change)


def _apply_one(scheduler: Any, autoscaling: Any, place: Place, change: Change) -> None:
    item = change.desired
    if change.kind == "schedule":
        if change.verb == "create":
            scheduler.create_schedule(**_schedule_args(item, place))
        elif change.verb == "update":
            scheduler.update_schedule(**_schedule_args(item, place))
        else:
            _tolerate_missing(scheduler.delete_schedule, Name=change.name, GroupName=place.group)
    elif change.kind == "scalable target":
        if change.verb == "delete":
            _tolerate_missing(
                autoscaling.deregister_scalable_target,
                ServiceNamespace=NAMESPACE,
                ResourceId=change.name,
                ScalableDimension=DIMENSION,
            )
        else:
            autoscaling.register_scalable_target(
                ServiceNamespace=NAMESPACE,
                ResourceId=item.resource_id,
                ScalableDimension=DIMENSION,
                MinCapacity=item.min_capacity,
                MaxCapacity=item.max_capacity,
            )
    elif change.verb == "delete":
        _tolerate_missing(
            autoscaling.delete_scheduled_action,
            ServiceNamespace=NAMESPACE,
            ScheduledActionName=change.name,
            ResourceId=item.resource_id,
            ScalableDimension=DIMENSION,
        )
    else:
        autoscaling.put_scheduled_action(
            ServiceNamespace=NAMESPACE,
            ScheduledActionName=item.name,
            ResourceId=item.resource_id,
            ScalableDimension=DIMENSION,
            Schedule=item.expression,
            Timezone=item.timezone,
            ScalableTargetAction={"MinCapacity": item.min_capacity, "MaxCapacity": item.max_capacity},
        )


def _tolerate_missing(call: Callable[..., Any], **kwargs: Any) -> None:
    try:
        call(**kwargs)
    except ClientError as error:
        if _code(error) not in ("ResourceNotFoundException", "ObjectNotFoundException"):
            raise
