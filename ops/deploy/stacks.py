"""Reading and removing a deployed stack: outputs and destroy."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ops.deploy.changeset import stack_status
from ops.deploy.errors import DeployError
from ops.deploy.progress import StackEvent, events_since, wait_for_stack


def stack_outputs(cloudformation: Any, stack_name: str) -> dict[str, str]:
    """The stack's outputs (key -> value); DeployError when the stack does not exist."""
    if stack_status(cloudformation, stack_name) is None:
        raise DeployError(f"stack {stack_name} does not exist (deploy it with `ops deploy`)")
    stack = cloudformation.describe_stacks(StackName=stack_name)["Stacks"][0]
    return {o["OutputKey"]: o.get("OutputValue", "") for o in stack.get("Outputs", [])}


def retained_resources(events: list[StackEvent]) -> list[StackEvent]:
    """Resources the deletion left in place (DeletionPolicy Retain)."""
    return [e for e in events if e.status == "DELETE_SKIPPED"]


def destroy_stack(
    cloudformation: Any,
    stack_name: str,
    *,
    on_event: Callable[[StackEvent], None],
    on_status: Callable[[str], None] | None = None,
    poll_seconds: float = 5.0,
) -> list[StackEvent]:
    """Delete the stack and wait until it is gone; returns every deletion event."""
    if stack_status(cloudformation, stack_name) is None:
        raise DeployError(f"stack {stack_name} does not exist; nothing to destroy")
    seen: set[str] = set()
    events_since(cloudformation, stack_name, seen)
    stack_id = cloudformation.describe_stacks(StackName=stack_name)["Stacks"][0]["StackId"]
    cloudformation.delete_stack(StackName=stack_name)
    events: list[StackEvent] = []

    def record(event: StackEvent) -> None:
        events.append(event)
        on_event(event)

    wait_for_stack(
        cloudformation,
        stack_name,
        seen=seen,
        on_event=record,
        on_status=on_status,
        poll_seconds=poll_seconds,
        deleting=True,
        stack_id=stack_id,
    )
    return events
