"""Change sets and stack progress where moto falls short, with botocore's Stubber: no-change
updates, rejected change sets, paginated changes, busy or dead stacks, rollbacks."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber

from ops.deploy.changeset import change_set_type, create_change_set, discard, parameter_list
from ops.deploy.errors import DeployError, StackFailed
from ops.deploy.progress import StackEvent, wait_for_stack

STACK_NAME = "chat-platform-dev"
CS_ID = "arn:aws:cloudformation:us-east-1:123456789012:changeSet/ops-1/abc"
T0 = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def cloudformation() -> Iterator[tuple[Any, Stubber]]:
    client = boto3.client("cloudformation", region_name="us-east-1")
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def _create(client: Any, change_type: str = "UPDATE"):  # type: ignore[no-untyped-def]
    return create_change_set(
        client,
        stack_name=STACK_NAME,
        template_url="https://b.s3.us-east-1.amazonaws.com/t.json",
        parameters=[],
        change_type=change_type,
        tags={"stage": "dev"},
        poll_seconds=0,
        now=lambda: T0,
        sleep=lambda _s: None,
    )


def _expect_create(stubber: Stubber, change_type: str = "UPDATE") -> None:
    stubber.add_response(
        "create_change_set",
        {"Id": CS_ID, "StackId": "stack-id"},
        {
            "StackName": STACK_NAME,
            "ChangeSetName": "ops-20260101-000000",
            "ChangeSetType": change_type,
            "TemplateURL": ANY,
            "Parameters": [],
            "Capabilities": ["CAPABILITY_IAM"],
            "Tags": [{"Key": "stage", "Value": "dev"}],
            "Description": ANY,
        },
    )


def _described(status: str, reason: str = "", changes: list[dict[str, Any]] | None = None, **extra: Any) -> dict:  # type: ignore[type-arg]
    return {"Status": status, "StatusReason": reason, "Changes": changes or [], "ChangeSetId": CS_ID, **extra}


def _change(logical_id: str, action: str = "Modify", replacement: str = "False") -> dict[str, Any]:
    return {
        "Type": "Resource",
        "ResourceChange": {
            "Action": action,
            "LogicalResourceId": logical_id,
            "ResourceType": "AWS::Lambda::Function",
            "Replacement": replacement,
        },
    }


def test_an_update_without_changes_is_an_empty_change_set(cloudformation: tuple[Any, Stubber]) -> None:
    client, stubber = cloudformation
    _expect_create(stubber)
    stubber.add_response(
        "describe_change_set",
        _described("FAILED", "The submitted information didn't contain changes. Submit different information."),
    )
    change_set = _create(client)
    assert change_set.empty
    assert change_set.id == CS_ID


def test_a_rejected_change_set_says_why(cloudformation: tuple[Any, Stubber]) -> None:
    client, stubber = cloudformation
    _expect_create(stubber)
    stubber.add_response("describe_change_set", _described("FAILED", "Template format error: bad"))
    with pytest.raises(DeployError, match="Template format error: bad"):
        _create(client)


def test_changes_are_read_across_pages_once_computed(cloudformation: tuple[Any, Stubber]) -> None:
    client, stubber = cloudformation
    _expect_create(stubber)
    stubber.add_response("describe_change_set", _described("CREATE_PENDING"))
    stubber.add_response("describe_change_set", _described("CREATE_COMPLETE", changes=[_change("A")], NextToken="p2"))
    stubber.add_response(
        "describe_change_set",
        _described("CREATE_COMPLETE", changes=[_change("B", "Add", "")]),
        {"ChangeSetName": CS_ID, "StackName": STACK_NAME, "NextToken": "p2"},
    )
    change_set = _create(client)
    assert [(c.action, c.logical_id) for c in change_set.changes] == [("Modify", "A"), ("Add", "B")]


def test_discarding_a_create_change_set_removes_the_empty_stack(cloudformation: tuple[Any, Stubber]) -> None:
    client, stubber = cloudformation
    from ops.deploy.changeset import ChangeSet

    stubber.add_response("delete_change_set", {}, {"ChangeSetName": CS_ID, "StackName": STACK_NAME})
    stubber.add_response(
        "describe_stacks",
        {"Stacks": [{"StackName": STACK_NAME, "StackStatus": "REVIEW_IN_PROGRESS", "CreationTime": T0}]},
    )
    stubber.add_response("delete_stack", {}, {"StackName": STACK_NAME})
    discard(client, ChangeSet(CS_ID, STACK_NAME, "CREATE", ()))


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (None, "CREATE"),
        ("REVIEW_IN_PROGRESS", "CREATE"),
        ("CREATE_COMPLETE", "UPDATE"),
        ("UPDATE_ROLLBACK_COMPLETE", "UPDATE"),
    ],
)
def test_change_set_type_follows_the_stack(status: str | None, expected: str) -> None:
    assert change_set_type(status, STACK_NAME) == expected


@pytest.mark.parametrize(
    ("status", "hint"), [("ROLLBACK_COMPLETE", "ops stack destroy"), ("UPDATE_IN_PROGRESS", "busy")]
)
def test_a_dead_or_busy_stack_cannot_take_a_change_set(status: str, hint: str) -> None:
    with pytest.raises(DeployError, match=hint):
        change_set_type(status, STACK_NAME)


def test_parameters_given_on_an_earlier_deploy_are_kept() -> None:
    template_parameters = {"ArtifactBucket": {}, "CorsAllowOrigins": {}, "DomainName": {}}
    out = parameter_list({"ArtifactBucket": "b"}, template_parameters, {"CorsAllowOrigins"}, "UPDATE")
    assert out == [
        {"ParameterKey": "ArtifactBucket", "ParameterValue": "b"},
        {"ParameterKey": "CorsAllowOrigins", "UsePreviousValue": True},
    ]
    with pytest.raises(DeployError, match="Nope"):
        parameter_list({"Nope": "x"}, template_parameters, set(), "CREATE")


def _event(
    n: int, logical_id: str, status: str, reason: str = "", rtype: str = "AWS::Lambda::Function"
) -> dict[str, Any]:
    return {
        "StackId": "stack-id",
        "EventId": f"e{n}",
        "StackName": STACK_NAME,
        "LogicalResourceId": logical_id,
        "ResourceType": rtype,
        "ResourceStatus": status,
        "ResourceStatusReason": reason,
        "Timestamp": T0 + timedelta(seconds=n),
    }


def _stack(status: str) -> dict[str, Any]:
    return {"Stacks": [{"StackName": STACK_NAME, "StackId": "stack-id", "StackStatus": status, "CreationTime": T0}]}


def test_progress_reports_new_events_and_names_the_failing_resource(cloudformation: tuple[Any, Stubber]) -> None:
    client, stubber = cloudformation
    stubber.add_response("describe_stacks", _stack("UPDATE_IN_PROGRESS"))
    stubber.add_response(
        "describe_stack_events",
        {"StackEvents": [_event(2, "ChatFunction", "UPDATE_IN_PROGRESS"), _event(1, "Old", "UPDATE_COMPLETE")]},
    )
    stubber.add_response("describe_stacks", _stack("UPDATE_ROLLBACK_COMPLETE"))
    stubber.add_response(
        "describe_stack_events",
        {
            "StackEvents": [
                _event(6, STACK_NAME, "UPDATE_ROLLBACK_COMPLETE", rtype="AWS::CloudFormation::Stack"),
                _event(5, "AuthFunction", "UPDATE_FAILED", "Resource update cancelled"),
                _event(4, "ChatFunction", "UPDATE_FAILED", "Memory size 99999 is not valid"),
                _event(2, "ChatFunction", "UPDATE_IN_PROGRESS"),
            ]
        },
    )
    seen = {"e1"}
    reported: list[StackEvent] = []
    with pytest.raises(StackFailed) as failure:
        wait_for_stack(client, STACK_NAME, seen=seen, on_event=reported.append, poll_seconds=0, sleep=lambda _s: None)
    assert failure.value.logical_id == "ChatFunction"
    assert "Memory size 99999 is not valid" in str(failure.value)
    assert [e.id for e in reported] == ["e2", "e4", "e5", "e6"]


def test_progress_returns_the_final_status_on_success(cloudformation: tuple[Any, Stubber]) -> None:
    client, stubber = cloudformation
    stubber.add_response("describe_stacks", _stack("CREATE_COMPLETE"))
    stubber.add_response("describe_stack_events", {"StackEvents": [_event(1, STACK_NAME, "CREATE_COMPLETE")]})
    statuses: list[str] = []
    status = wait_for_stack(
        client, STACK_NAME, seen=set(), on_event=lambda _e: None, on_status=statuses.append, poll_seconds=0
    )
    assert status == "CREATE_COMPLETE"
    assert statuses == ["CREATE_COMPLETE"]
