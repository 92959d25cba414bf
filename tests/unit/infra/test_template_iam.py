"""Given the stack model's permissions, then each function's role grants exactly those actions
on the stack's own resources, with no wildcard action and no wildcard resource except where
AWS requires one (listed with its reason)."""

from __future__ import annotations

from typing import Any

import pytest
from infra import STACK
from infra.model import Function
from infra.template import names
from infra.template.iam import WILDCARD_REASONS

from tests.unit.infra.conftest import extended_stack, resources_of_type

# What every function gets besides its model permissions: its own log group, X-Ray, the key.
BASELINE_ACTIONS = {
    "logs:CreateLogStream",
    "logs:PutLogEvents",
    "xray:PutTelemetryRecords",
    "xray:PutTraceSegments",
    "kms:Decrypt",
    "kms:DescribeKey",
    "kms:Encrypt",
    "kms:GenerateDataKey",
}


def _statements(template: dict[str, Any], function: Function) -> list[dict[str, Any]]:
    role = template["Resources"][names.function_role_id(function)]["Properties"]
    (policy,) = role["Policies"]
    return policy["PolicyDocument"]["Statement"]


def _all_role_statements(template: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for role in resources_of_type(template, "AWS::IAM::Role").values():
        for policy in role["Properties"].get("Policies", []):
            out.extend(policy["PolicyDocument"]["Statement"])
    return out


@pytest.mark.parametrize("template_name", ["dev_template", "extended_template"])
def test_no_statement_has_a_wildcard_action(template_name: str, request: pytest.FixtureRequest) -> None:
    for statement in _all_role_statements(request.getfixturevalue(template_name)):
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        for action in actions:
            assert "*" not in action, statement


@pytest.mark.parametrize("template_name", ["dev_template", "extended_template"])
def test_only_listed_statements_have_a_wildcard_resource(template_name: str, request: pytest.FixtureRequest) -> None:
    for statement in _all_role_statements(request.getfixturevalue(template_name)):
        resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        if "*" in resources:
            assert statement["Sid"] in WILDCARD_REASONS, statement
            assert WILDCARD_REASONS[statement["Sid"]]


def test_every_scoped_wildcard_is_inside_a_stack_resource(extended_template: dict[str, Any]) -> None:
    """Object keys and connection ids are runtime values: ``*`` may end a key prefix of the
    bucket or a connection path, always after the resource's own id."""
    for statement in _all_role_statements(extended_template):
        resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        for resource in resources:
            text = resource.get("Fn::Sub", "") if isinstance(resource, dict) else resource
            if "*" in text and text != "*":
                assert text.endswith("/*"), text
                assert "${" + STACK.bucket.logical_name + ".Arn}/" in text or "/@connections/" in text, text


def test_each_role_grants_exactly_the_model_actions_plus_the_baseline() -> None:
    from infra.template import synthesize

    stack = extended_stack()
    template = synthesize(stack, "dev", contributors=())
    for function in stack.functions:
        granted = {a for s in _statements(template, function) for a in s["Action"]}
        wanted = {a for p in function.permissions for a in p.actions}
        assert wanted <= granted, function.name
        assert granted - wanted <= BASELINE_ACTIONS, function.name


def test_grants_are_scoped_to_the_named_resource(extended_template: dict[str, Any]) -> None:
    stack = extended_stack()
    function = stack.function("probe-extra")
    by_sid = {s["Sid"]: s for s in _statements(extended_template, function)}
    assert by_sid["Table1"]["Resource"] == [{"Fn::GetAtt": [stack.table.logical_name, "Arn"]}]
    assert by_sid["TableIndexes2"]["Resource"] == [
        {"Fn::Sub": f"${{{stack.table.logical_name}.Arn}}/index/{i.name}"} for i in stack.table.global_secondary_indexes
    ]
    # Bucket-level and object-level S3 actions are granted on the bucket and on the prefix apart.
    assert by_sid["Bucket3"] == {
        "Sid": "Bucket3",
        "Effect": "Allow",
        "Action": ["s3:ListBucket"],
        "Resource": [{"Fn::GetAtt": [stack.bucket.logical_name, "Arn"]}],
    }
    assert by_sid["Bucket3Objects"]["Resource"] == [{"Fn::Sub": f"${{{stack.bucket.logical_name}.Arn}}/probe/*"}]
    assert "userpool/${UserPool}" in by_sid["UserPool4"]["Resource"][0]["Fn::Sub"]
    connections = [r["Fn::Sub"] for r in by_sid["WebsocketConnections5"]["Resource"]]
    assert all(f"${{WebSocketApi}}/{stack.websocket_api.stage}/" in r for r in connections)
    assert by_sid["AlarmTopic6"]["Resource"] == [{"Ref": names.ALARM_TOPIC}]


def test_logs_are_written_only_to_the_functions_own_group(dev_template: dict[str, Any]) -> None:
    for function in STACK.functions:
        (logs,) = [s for s in _statements(dev_template, function) if s["Sid"] == "WriteOwnLogs"]
        assert logs["Resource"] == {"Fn::GetAtt": [names.function_log_group_id(function), "Arn"]}


def test_the_key_is_used_only_through_the_services_of_the_functions_resources(prod_template: dict[str, Any]) -> None:
    auth = STACK.function("auth")
    (key,) = [s for s in _statements(prod_template, auth) if s["Sid"] == "UseDataKeyThroughServices"]
    services = [v["Fn::Sub"] for v in key["Condition"]["StringEquals"]["kms:ViaService"]]
    assert services == ["dynamodb.${AWS::Region}.amazonaws.com"]
    assert key["Resource"] == {"Fn::GetAtt": [names.DATA_KEY, "Arn"]}


def test_a_permission_on_a_missing_resource_is_an_error() -> None:
    from dataclasses import replace

    from infra.model import Permission
    from infra.template import TemplateError, synthesize

    from tests.unit.infra.conftest import rest_only_stack

    stack = rest_only_stack()
    broken = replace(
        stack.functions[0],
        permissions=(Permission("websocket_connections", ("execute-api:ManageConnections",)),),
    )
    with pytest.raises(TemplateError, match="websocket_connections"):
        synthesize(replace(stack, functions=(broken, *stack.functions[1:])), "dev", contributors=())


def test_only_the_api_gateway_logging_role_uses_a_managed_policy(dev_template: dict[str, Any]) -> None:
    from infra.template.rest_api import API_GATEWAY_ACCOUNT, API_GATEWAY_LOGS_ROLE

    roles = resources_of_type(dev_template, "AWS::IAM::Role")
    managed = {k for k, v in roles.items() if v["Properties"].get("ManagedPolicyArns")}
    assert managed == {API_GATEWAY_LOGS_ROLE}
    (policy,) = roles[API_GATEWAY_LOGS_ROLE]["Properties"]["ManagedPolicyArns"]
    assert policy["Fn::Sub"].endswith(":iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs")
    # The account-wide setting outlives the stack: other APIs of the account keep logging.
    assert dev_template["Resources"][API_GATEWAY_ACCOUNT]["DeletionPolicy"] == "Retain"
    assert roles[API_GATEWAY_LOGS_ROLE]["DeletionPolicy"] == "Retain"
    for stage in (names.rest_stage_id(STACK), names.websocket_stage_id(STACK)):
        assert API_GATEWAY_ACCOUNT in dev_template["Resources"][stage]["DependsOn"]
