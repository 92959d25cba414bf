"""Following a stack until it settles: new events as they happen, then the outcome."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from ops.deploy.errors import StackFailed

SUCCESS = {"CREATE_COMPLETE", "UPDATE_COMPLETE", "DELETE_COMPLETE", "IMPORT_COMPLETE"}
FAILURE = {
    "CREATE_FAILED",
    "ROLLBACK_COMPLETE",
    "ROLLBACK_FAILED",
    "DELETE_FAILED",
    "UPDATE_ROLLBACK_COMPLETE",
    "UPDATE_ROLLBACK_FAILED",
    "UPDATE_FAILED",
    "IMPORT_ROLLBACK_COMPLETE",
    "IMPORT_ROLLBACK_FAILED",
}
# Reasons CloudFormation gives to resources it stopped because another one failed.
_KNOCK_ON = ("Resource creation cancelled", "Resource update cancelled", "cancelled")


@dataclass(frozen=True)
class StackEvent:
    """One stack event."""

    id: str
    timestamp: datetime
    logical_id: str
    resource_type: str
    status: str
    reason: str


def _event(raw: dict[str, Any]) -> StackEvent:
    return StackEvent(
        id=raw["EventId"],
        timestamp=raw["Timestamp"],
        logical_id=raw.get("LogicalResourceId", ""),
        resource_type=raw.get("ResourceType", ""),
        status=raw.get("ResourceStatus", ""),
        reason=raw.get("ResourceStatusReason", "") or "",
    )


def events_since(cloudformation: Any, stack_name: str, seen: set[str]) -> list[StackEvent]:
    """Events not in ``seen`` (oldest first); adds them to ``seen``."""
    new: list[StackEvent] = []
    paginator = cloudformation.get_paginator("describe_stack_events")
    for page in paginator.paginate(StackName=stack_name):
        fresh = [_event(e) for e in page["StackEvents"] if e["EventId"] not in seen]
        new.extend(fresh)
        if len(fresh) < len(page["StackEvents"]):
            break  # events come newest first: the rest of the history was seen before
    for event in new:
        seen.add(event.id)
    return sorted(new, key=lambda e: e.timestamp)


def root_cause(events: list[StackEvent], stack_name: str) -> StackEvent | None:
    """The first failed resource event that is not a knock-on of another failure."""
    failed = [e for e in events if e.status.endswith("_FAILED") and e.logical_id != stack_name]
    primary = [e for e in failed if not any(k in e.reason for k in _KNOCK_ON)]
    candidates = primary or failed
    return min(candidates, key=lambda e: e.timestamp) if candidates else None


def wait_for_stack(
    cloudformation: Any,
    stack_name: str,
    *,
    seen: set[str],
    on_event: Callable[[StackEvent], None],
    on_status: Callable[[str], None] | None = None,
    poll_seconds: float = 5.0,
    timeout_seconds: float = 3600.0,
    deleting: bool = False,
    stack_id: str | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> str:
    """Poll until the stack settles, reporting each new event; returns the final status or
    raises StackFailed naming the failing resource and its reason."""
    deadline = time.monotonic() + timeout_seconds
    history: list[StackEvent] = []
    stack_id = stack_id or stack_name
    while True:
        try:
            stacks = cloudformation.describe_stacks(StackName=stack_id)["Stacks"]
        except ClientError as error:
            if deleting and "does not exist" in str(error):
                return "DELETE_COMPLETE"
            raise
        stack = stacks[0]
        stack_id = stack.get("StackId", stack_id)  # a deleted stack is found by id only
        status = stack["StackStatus"]
        if on_status is not None:
            on_status(status)
        for event in events_since(cloudformation, stack_id, seen):
            history.append(event)
            on_event(event)
        if status in SUCCESS:
            return status
        if status in FAILURE:
            cause = root_cause(history, stack_name)
            if cause is None:
                reason = stack.get("StackStatusReason") or "no resource reported a reason"
                raise StackFailed(f"stack {stack_name} ended in {status}: {reason}", reason=reason)
            raise StackFailed(
                f"stack {stack_name} ended in {status}: {cause.logical_id} ({cause.resource_type}) "
                f"failed: {cause.reason or 'no reason given'}",
                logical_id=cause.logical_id,
                reason=cause.reason,
            )
        if time.monotonic() > deadline:
            raise StackFailed(f"stack {stack_name} had not settled after {timeout_seconds:.0f} s ({status})")
        sleep(poll_seconds)
