"""The last deployment: the CloudFormation stack's status and time, or, for the local twin
(which is provisioned straight from the stack model, without CloudFormation), what it has."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from ops.status.report import Deployment


def _iso(moment: Any) -> str | None:
    if isinstance(moment, dt.datetime):
        aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
        return aware.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    return None


def of_stack(cloudformation: Any, stack_name: str) -> Deployment:
    """The stack's status and the time of its last change (update, else creation)."""
    stack = cloudformation.describe_stacks(StackName=stack_name)["Stacks"][0]
    when = stack.get("LastUpdatedTime") or stack.get("CreationTime")
    reason = str(stack.get("StackStatusReason") or "")
    return Deployment(stack_name, str(stack.get("StackStatus")), _iso(when), reason)


def of_twin(info: Mapping[str, Any], stack_name: str) -> Deployment:
    """What the twin has instead of a deployment: the model it was provisioned from, when it started."""
    origin = float(info.get("clock_origin") or 0)
    started = dt.datetime.fromtimestamp(origin, dt.UTC) if origin else None
    return Deployment(
        stack_name,
        "LOCAL_TWIN",
        _iso(started),
        "no CloudFormation stack: the twin was provisioned from the stack model when it started",
    )
