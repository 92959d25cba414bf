"""The alarms and dashboards in the CloudFormation template (the contributors)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from infra import STACK
from infra.template import names, synthesize, template_json

from alarms.template import EMAIL_TOPIC, EMAIL_TOPIC_SETTING, alarm_resources, notification_resources
from dashboards.template import dashboard_resources
from kit.target import rest_api_name, template_target


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return synthesize(STACK, "prod", contributors=[alarm_resources, dashboard_resources])


def _of_type(template: dict[str, Any], kind: str) -> dict[str, Any]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == kind}


def test_the_target_names_what_the_template_creates(template: dict[str, Any]) -> None:
    target = template_target(STACK, "prod")
    rest = template["Resources"][STACK.rest_api.logical_name]["Properties"]["Name"]
    assert rest == rest_api_name(STACK, "prod") == target.rest_api_name
    for function in STACK.functions:
        physical = template["Resources"][names.function_id(function)]["Properties"]["FunctionName"]
        assert physical == target.function_name(function)
    table = template["Resources"][STACK.table.logical_name]["Properties"]["TableName"]
    assert table == target.table_name
    topic = template["Resources"][names.ALARM_TOPIC]["Properties"]["TopicName"]
    assert topic == f"{target.prefix}-alarms"


def test_alarms_reference_the_stack_through_sub(template: dict[str, Any]) -> None:
    alarms = _of_type(template, "AWS::CloudWatch::Alarm")
    assert len(alarms) > 50
    allowed = ([], [{"Fn::Sub": "${AlarmTopic}"}], [{"Fn::Sub": "${AlarmEmailTopic}"}])
    for alarm in alarms.values():
        properties = alarm["Properties"]
        assert properties["AlarmActions"] in allowed
        assert properties["OKActions"] == properties["AlarmActions"]
    notifier = next(
        a for a in alarms.values() if a["Properties"]["AlarmName"].endswith("notifier-lambda-error-count-critical")
    )
    assert notifier["Properties"]["AlarmActions"] == [{"Fn::Sub": "${AlarmEmailTopic}"}]
    websocket = next(
        a for a in alarms.values() if a["Properties"]["AlarmName"].endswith("websocket-execution-errors-critical")
    )
    assert {"Name": "ApiId", "Value": {"Fn::Sub": "${WebSocketApi}"}} in websocket["Properties"]["Dimensions"]


def test_the_composite_depends_on_its_children(template: dict[str, Any]) -> None:
    composites = _of_type(template, "AWS::CloudWatch::CompositeAlarm")
    composite = next(c for c in composites.values() if c["Properties"]["AlarmName"].endswith("-service-health"))
    children = {
        logical
        for logical, r in template["Resources"].items()
        if r["Type"] == "AWS::CloudWatch::Alarm"
        and r["Properties"]["AlarmName"].endswith("-critical")
        and r["Properties"]["AlarmActions"] == []  # critical alarms speak through the composite
    }
    assert set(composite["DependsOn"]) == children
    assert composite["Properties"]["AlarmActions"] == [{"Fn::Sub": "${AlarmTopic}"}]


def test_the_notifier_is_subscribed_and_may_deliver(template: dict[str, Any]) -> None:
    resources = template["Resources"]
    (subscription,) = _of_type(template, "AWS::SNS::Subscription").values()
    assert subscription["Properties"]["Protocol"] == "lambda"
    assert subscription["Properties"]["Endpoint"] == {"Ref": "NotifierFunctionLiveAlias"}
    permission = resources["NotifierFunctionAlarmTopicPermission"]["Properties"]
    assert (permission["Principal"], permission["SourceArn"]) == ("sns.amazonaws.com", {"Ref": names.ALARM_TOPIC})
    email = resources[EMAIL_TOPIC]["Properties"]
    assert email["TopicName"] == {"Fn::Sub": "${AlarmTopic.TopicName}-email"}
    assert email["KmsMasterKeyId"] == {"Ref": names.DATA_KEY}
    policy = resources["NotifierFunctionDeliveryPolicy"]["Properties"]
    assert policy["Roles"] == [{"Ref": "NotifierFunctionRole"}]
    by_sid = {s["Sid"]: s for s in policy["PolicyDocument"]["Statement"]}
    assert by_sid["PublishReadableEmail"]["Resource"] == {"Ref": EMAIL_TOPIC}
    assert by_sid["ReadWebhookUrl"]["Resource"]["Fn::Sub"].endswith(":parameter/${AlarmTopic.TopicName}/webhook-url")


def test_a_notification_the_notifier_failed_still_reaches_the_email_topic(template: dict[str, Any]) -> None:
    resources = template["Resources"]
    config = resources["NotifierFunctionEventInvokeConfig"]["Properties"]
    assert config["FunctionName"] == {"Ref": "NotifierFunction"}
    assert config["DestinationConfig"] == {"OnFailure": {"Destination": {"Ref": EMAIL_TOPIC}}}
    # Lambda publishes to the destination with the function's role
    policy = resources["NotifierFunctionDeliveryPolicy"]["Properties"]["PolicyDocument"]
    publish = [s for s in policy["Statement"] if s["Action"] == "sns:Publish"]
    assert [s["Resource"] for s in publish] == [{"Ref": EMAIL_TOPIC}]


def test_without_an_email_topic_there_is_no_failure_destination() -> None:
    functions = tuple(
        dataclasses.replace(f, environment={**f.environment, EMAIL_TOPIC_SETTING: ""}) if f.name == "notifier" else f
        for f in STACK.functions
    )
    resources = notification_resources(dataclasses.replace(STACK, functions=functions))
    assert EMAIL_TOPIC not in resources
    assert "DestinationConfig" not in resources["NotifierFunctionEventInvokeConfig"]["Properties"]


def test_dashboards_resolve_their_references_with_sub(template: dict[str, Any]) -> None:
    dashboards = _of_type(template, "AWS::CloudWatch::Dashboard")
    names_ = {d["Properties"]["DashboardName"] for d in dashboards.values()}
    assert "chat-platform-prod-overview" in names_
    assert {f"chat-platform-prod-function-{f.name}" for f in STACK.functions} <= names_
    overview = next(d for d in dashboards.values() if d["Properties"]["DashboardName"].endswith("-overview"))
    body = overview["Properties"]["DashboardBody"]["Fn::Sub"]
    assert '"region":"${AWS::Region}"' in body
    assert "${WebSocketApi}" in body


def test_the_template_with_alarms_and_dashboards_passes_cfn_lint() -> None:
    from cfnlint.api import ManualArgs, lint

    text = template_json(synthesize(STACK, "dev", contributors=[alarm_resources, dashboard_resources]))
    matches = lint(text, config=ManualArgs(regions=["us-east-1"]))
    assert [f"{m.rule.id} {m.message} ({m.path})" for m in matches] == []


def test_the_template_creates_what_the_notifier_looks_for_by_default() -> None:
    from backend.notifications.config import NotifierSettings

    from alarms import template

    defaults = NotifierSettings()
    assert defaults.email_topic == template.DEFAULT_EMAIL_TOPIC
    assert defaults.webhook_parameter == template.DEFAULT_WEBHOOK_PARAMETER
