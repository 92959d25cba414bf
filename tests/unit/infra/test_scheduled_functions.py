"""Functions on a schedule of their own (the canary): an EventBridge Scheduler schedule, a role
that may invoke exactly that function, a function role with nothing beyond its logs and traces,
and the public URLs it probes. Also the bucket's request metrics, which the S3 alarm reads."""

from __future__ import annotations

from typing import Any

from infra import STACK
from infra.template import names, synthesize

from tests.unit.infra.conftest import resources_of_type


def _template() -> dict[str, Any]:
    return synthesize(STACK, "prod", contributors=())


def test_the_canary_runs_every_minute_through_its_own_schedule() -> None:
    template = _template()
    (schedule,) = resources_of_type(template, "AWS::Scheduler::Schedule").values()
    properties = schedule["Properties"]
    assert properties["ScheduleExpression"] == STACK.function("canary").schedule == "rate(1 minute)"
    canary_alias = {"Ref": names.function_alias_id(STACK.function("canary"))}
    assert properties["Target"]["Arn"] == canary_alias
    role = template["Resources"][properties["Target"]["RoleArn"]["Fn::GetAtt"][0]]
    trust = role["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]
    assert trust["Principal"] == {"Service": "scheduler.amazonaws.com"}
    (policy,) = role["Properties"]["Policies"]
    assert policy["PolicyDocument"]["Statement"] == [
        {"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": canary_alias}
    ]


def test_the_canary_may_write_its_logs_and_traces_and_nothing_else() -> None:
    template = _template()
    role = template["Resources"]["CanaryFunctionRole"]
    (policy,) = role["Properties"]["Policies"]
    actions: set[str] = set()
    for statement in policy["PolicyDocument"]["Statement"]:
        action = statement["Action"]
        actions.update([action] if isinstance(action, str) else action)
    assert actions == {"logs:CreateLogStream", "logs:PutLogEvents", "xray:PutTelemetryRecords", "xray:PutTraceSegments"}
    log_group = template["Resources"][names.function_log_group_id(STACK.function("canary"))]
    assert log_group["Properties"]["LogGroupName"] == "/aws/lambda/chat-platform-prod-canary"
    variables = template["Resources"]["CanaryFunction"]["Properties"]["Environment"]["Variables"]
    assert "${RestApi}.execute-api" in variables["REST_API_URL"]["Fn::Sub"]
    assert variables["WEBSOCKET_URL"]["Fn::Sub"].startswith("wss://${WebSocketApi}.execute-api")
    # Functions without a schedule do not get them.
    chat = template["Resources"]["ChatFunction"]["Properties"]["Environment"]["Variables"]
    assert "REST_API_URL" not in chat


def test_the_notifier_keeps_reserved_concurrency_in_the_template() -> None:
    properties = _template()["Resources"]["NotifierFunction"]["Properties"]
    assert properties["ReservedConcurrentExecutions"] == STACK.function("notifier").reserved_concurrency


def test_the_bucket_records_request_metrics_for_the_5xx_alarm() -> None:
    bucket = resources_of_type(_template(), "AWS::S3::Bucket")[STACK.bucket.logical_name]
    assert bucket["Properties"]["MetricsConfigurations"] == [{"Id": "EntireBucket"}]
