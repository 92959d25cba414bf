"""`ops status`'s AWS reads against moto in-process: alarms not OK and the stack's last change."""

from __future__ import annotations

import json

import boto3
from moto import mock_aws

from ops.status import alarm_states, deployment


@mock_aws
def test_only_alarms_not_ok_are_listed_worst_first() -> None:
    cloudwatch = boto3.client("cloudwatch", region_name="us-east-1")
    for name in ("chat-platform-prod-a", "chat-platform-prod-b", "chat-platform-prod-c", "other-stack-d"):
        cloudwatch.put_metric_alarm(
            AlarmName=name,
            MetricName="Errors",
            Namespace="AWS/Lambda",
            Statistic="Sum",
            Period=60,
            EvaluationPeriods=1,
            Threshold=5,
            ComparisonOperator="GreaterThanOrEqualToThreshold",
            AlarmDescription="x\nRunbook: https://example.com/runbooks.md#lambda_error_count",
        )
    data = json.dumps({"recentDatapoints": [9.0], "threshold": 5.0})
    cloudwatch.set_alarm_state(
        AlarmName="chat-platform-prod-b", StateValue="ALARM", StateReason="r", StateReasonData=data
    )
    cloudwatch.set_alarm_state(AlarmName="chat-platform-prod-c", StateValue="OK", StateReason="fine")
    cloudwatch.set_alarm_state(AlarmName="other-stack-d", StateValue="ALARM", StateReason="not ours")
    cloudwatch.set_alarm_state(AlarmName="chat-platform-prod-a", StateValue="INSUFFICIENT_DATA", StateReason="no data")
    rows = alarm_states.not_ok(cloudwatch, "chat-platform-prod-", {})
    assert [(r.name, r.state) for r in rows] == [
        ("chat-platform-prod-b", "ALARM"),
        ("chat-platform-prod-a", "INSUFFICIENT_DATA"),
    ]
    assert (rows[0].value, rows[0].threshold, rows[0].comparison) == (9.0, 5.0, ">=")
    assert rows[0].runbook == "https://example.com/runbooks.md#lambda_error_count"


@mock_aws
def test_the_last_deployment_is_the_stacks_status_and_time() -> None:
    cloudformation = boto3.client("cloudformation", region_name="us-east-1")
    body = {"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}}
    cloudformation.create_stack(StackName="chat-platform-prod", TemplateBody=json.dumps(body))
    found = deployment.of_stack(cloudformation, "chat-platform-prod")
    assert found.status == "CREATE_COMPLETE"
    assert found.time is not None and found.time.endswith("Z")
