"""Change sets: create one for the template, wait until it is ready, read its changes,
execute or discard it."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from ops.deploy.errors import DeployError

NO_CHANGES_MARKERS = ("didn't contain changes", "No updates are to be performed")
# A stack in one of these states cannot take a change set until it is deleted.
_DEAD = {"ROLLBACK_COMPLETE", "ROLLBACK_FAILED", "DELETE_FAILED"}
_BUSY_SUFFIX = "_IN_PROGRESS"


@dataclass(frozen=True)
class Change:
    """One row of a change set."""

    action: str
    logical_id: str
    resource_type: str
    replacement: str


@dataclass(frozen=True)
class ChangeSet:
    """A created change set: its id, type (CREATE/UPDATE), and changes (empty: nothing to do)."""

    id: str
    stack_name: str
    change_set_type: str
    changes: tuple[Change, ...]
    status_reason: str = ""

    @property
    def empty(self) -> bool:
        """Whether executing it would change nothing."""
        return not self.changes


def stack_status(cloudformation: Any, stack_name: str) -> str | None:
    """The stack's status, or None when it does not exist (deleted stacks do not count)."""
    try:
        stacks = cloudformation.describe_stacks(StackName=stack_name)["Stacks"]
    except ClientError as error:
        if "does not exist" in str(error.response.get("Error", {}).get("Message", "")):
            return None
        raise
    return stacks[0]["StackStatus"] if stacks else None


def change_set_type(status: str | None, stack_name: str) -> str:
    """CREATE for a new stack (or one only reviewed, never created), UPDATE for a live one."""
    if status is None or status == "REVIEW_IN_PROGRESS":
        return "CREATE"
    if status in _DEAD:
        raise DeployError(
            f"stack {stack_name} is in {status} and cannot be updated; "
            "delete it with `ops stack destroy` and deploy again"
        )
    if status.endswith(_BUSY_SUFFIX):
        raise DeployError(f"stack {stack_name} is busy ({status}); wait for it to settle and retry")
    return "UPDATE"


def parameter_list(
    values: Mapping[str, str], template_parameters: Mapping[str, Any], previous: set[str], change_type: str
) -> list[dict[str, Any]]:
    """Parameters for the change set: the given values; on update, the previous value of every
    template parameter not given (so an earlier ``--parameter`` sticks)."""
    unknown = sorted(set(values) - set(template_parameters))
    if unknown:
        raise DeployError(
            f"unknown template parameter(s): {', '.join(unknown)} (known: {', '.join(template_parameters)})"
        )
    out: list[dict[str, Any]] = [{"ParameterKey": k, "ParameterValue": v} for k, v in sorted(values.items())]
    if change_type == "UPDATE":
        out += [
            {"ParameterKey": k, "UsePreviousValue": True}
            for k in sorted(template_parameters)
            if k not in values and k in previous
        ]
    return out


def create_change_set(
    cloudformation: Any,
    *,
    stack_name: str,
    template_url: str,
    parameters: list[dict[str, Any]],
    change_type: str,
    tags: Mapping[str, str],
    poll_seconds: float = 3.0,
    timeout_seconds: float = 600.0,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
    sleep: Callable[[float], None] = time.sleep,
) -> ChangeSet:
    """Create a change set and wait until CloudFormation has computed it."""
    name = "ops-" + now().strftime("%Y%m%d-%H%M%S")
    created = cloudformation.create_change_set(
        StackName=stack_name,
        ChangeSetName=name,
        ChangeSetType=change_type,
        TemplateURL=template_url,
        Parameters=parameters,
        Capabilities=["CAPABILITY_IAM"],
        Tags=[{"Key": k, "Value": v} for k, v in sorted(tags.items())],
        Description="created by ops deploy",
    )
    change_set_id = created["Id"]
    deadline = time.monotonic() + timeout_seconds
    while True:
        described = cloudformation.describe_change_set(ChangeSetName=change_set_id, StackName=stack_name)
        status = described["Status"]
        if status == "CREATE_COMPLETE":
            return ChangeSet(
                change_set_id,
                stack_name,
                change_type,
                tuple(_changes(cloudformation, change_set_id, stack_name, described)),
            )
        if status == "FAILED":
            reason = described.get("StatusReason", "")
            if any(marker in reason for marker in NO_CHANGES_MARKERS):
                return ChangeSet(change_set_id, stack_name, change_type, (), reason)
            raise DeployError(f"CloudFormation rejected the change set: {reason or 'no reason given'}")
        if time.monotonic() > deadline:
            raise DeployError(f"the change set was not ready after {timeout_seconds:.0f} s (status {status})")
        sleep(poll_seconds)


def _changes(cloudformation: Any, change_set_id: str, stack_name: str, first: dict[str, Any]) -> list[Change]:
    pages: list[Any] = [first]
    if first.get("NextToken"):  # the first page is in hand: the paginator goes on from the second
        paginator = cloudformation.get_paginator("describe_change_set")
        config = {"StartingToken": first["NextToken"]}
        pages += paginator.paginate(ChangeSetName=change_set_id, StackName=stack_name, PaginationConfig=config)
    out: list[Change] = []
    for page in pages:
        for change in page.get("Changes", []):
            detail = change.get("ResourceChange", {})
            out.append(
                Change(
                    action=detail.get("Action", "?"),
                    logical_id=detail.get("LogicalResourceId", "?"),
                    resource_type=detail.get("ResourceType", "?"),
                    replacement=detail.get("Replacement", "") or "",
                )
            )
    return out


def discard(cloudformation: Any, change_set: ChangeSet) -> None:
    """Delete the change set; for a CREATE change set also the empty REVIEW_IN_PROGRESS stack
    it left, so a later deploy starts clean."""
    cloudformation.delete_change_set(ChangeSetName=change_set.id, StackName=change_set.stack_name)
    if (
        change_set.change_set_type == "CREATE"
        and stack_status(cloudformation, change_set.stack_name) == "REVIEW_IN_PROGRESS"
    ):
        cloudformation.delete_stack(StackName=change_set.stack_name)
