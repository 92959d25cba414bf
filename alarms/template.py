"""The alarms' part of the CloudFormation template: ``alarm_resources``, a template contributor
(``infra.template.Contributor``) that ``ops.deploy.synth.contributors`` lists: every metric
alarm, the composite ServiceHealth alarm, and the notification path (the notifier function
subscribed to the alarm topic, its email topic and the permissions it needs).
"""

from __future__ import annotations

from typing import Any

from infra.model import Function, Stack
from infra.template import checkov, names
from infra.template.intrinsics import arn, get_att, ref, sub

from alarms.budget import for_stage
from alarms.build import build_alarms
from alarms.render import cloudformation_resources
from alarms.rules.base import notifier_function

# Where the notifier delivers, as its settings name it by default (backend/notifications/
# config.py; a unit test keeps the two equal): {topic} is the alarm topic's name, which the
# template knows only as an attribute. The model's environment may override either.
EMAIL_TOPIC_SETTING = "NOTIFIER_EMAIL_TOPIC"
WEBHOOK_PARAMETER_SETTING = "NOTIFIER_WEBHOOK_PARAMETER"
DEFAULT_EMAIL_TOPIC = "{topic}-email"
DEFAULT_WEBHOOK_PARAMETER = "/{topic}/webhook-url"
EMAIL_TOPIC = names.ALARM_EMAIL_TOPIC
_TOPIC_NAME = "${" + names.ALARM_TOPIC + ".TopicName}"


def _with_topic(pattern: str) -> str:
    return pattern.replace("{topic}", _TOPIC_NAME)


def _delivery_policy(function: Function, customer_managed_key: bool = True) -> dict[str, Any]:
    statements: list[dict[str, Any]] = []
    email_topic = function.environment.get(EMAIL_TOPIC_SETTING, DEFAULT_EMAIL_TOPIC)
    if email_topic:
        statements.append(
            {"Sid": "PublishReadableEmail", "Effect": "Allow", "Action": "sns:Publish", "Resource": ref(EMAIL_TOPIC)}
        )
    parameter = function.environment.get(WEBHOOK_PARAMETER_SETTING, DEFAULT_WEBHOOK_PARAMETER)
    if parameter:
        statements.append(
            {
                "Sid": "ReadWebhookUrl",
                "Effect": "Allow",
                "Action": "ssm:GetParameter",
                "Resource": sub(
                    "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/"
                    + _with_topic(parameter).lstrip("/")
                ),
            }
        )
    # A composite's page shows each triggering child's value and threshold: the notifier
    # reads the stack's own alarms (their names start with the stack's name).
    statements.append(
        {
            "Sid": "ReadTriggeringAlarms",
            "Effect": "Allow",
            "Action": "cloudwatch:DescribeAlarms",
            "Resource": sub(
                "arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:${AWS::StackName}-*"
            ),
        }
    )
    if not customer_managed_key:
        return _policy(function, statements)
    statements.append(
        {
            "Sid": "UseDataKeyThroughSnsAndSsm",
            "Effect": "Allow",
            "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
            "Resource": get_att(names.DATA_KEY, "Arn"),
            "Condition": {
                "StringEquals": {
                    "kms:ViaService": [sub("sns.${AWS::Region}.amazonaws.com"), sub("ssm.${AWS::Region}.amazonaws.com")]
                }
            },
        }
    )
    return _policy(function, statements)


def _policy(function: Function, statements: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "Type": "AWS::IAM::Policy",
        "Properties": {
            "PolicyName": "deliver-notifications",
            "Roles": [ref(names.function_role_id(function))],
            "PolicyDocument": {"Version": "2012-10-17", "Statement": statements},
        },
    }


def notification_resources(stack: Stack, stage: str | None = None) -> dict[str, Any]:
    """The notifier's subscription to the alarm topic, SNS's permission to invoke it, its
    asynchronous-invocation settings, the email topic it publishes readable messages to, and
    the extra permissions delivery needs. Nothing when the model has no notifier."""
    function = notifier_function(stack)
    if function is None:
        return {}
    # The stage's cost profile may do without the stack's key (infra.model.CostProfile).
    own_key = stack.stage(stage).cost.customer_managed_key if stage is not None else True
    function_id = names.function_id(function)
    email_topic = function.environment.get(EMAIL_TOPIC_SETTING, DEFAULT_EMAIL_TOPIC)
    invoke_config: dict[str, Any] = {
        "FunctionName": ref(function_id),
        # SNS invokes the live alias, so the asynchronous settings belong to that qualifier.
        "Qualifier": names.LIVE_ALIAS,
        # SNS invokes asynchronously; an alarm older than an hour is news nobody needs.
        "MaximumRetryAttempts": 2,
        "MaximumEventAgeInSeconds": 3600,
    }
    if email_topic:
        # When the notifier itself fails (a bug, a timeout, every channel down) after its
        # retries, Lambda publishes the invocation record (the alarm it carried and the error)
        # to the email topic: people still hear about the alarm, as raw JSON, without the
        # notifier. The role's PublishReadableEmail statement covers this publish.
        invoke_config["DestinationConfig"] = {"OnFailure": {"Destination": ref(EMAIL_TOPIC)}}
    out: dict[str, Any] = {
        f"{names.ALARM_TOPIC}{names.camel(function.name)}Subscription": {
            "Type": "AWS::SNS::Subscription",
            "Properties": {
                "TopicArn": ref(names.ALARM_TOPIC),
                "Protocol": "lambda",
                "Endpoint": ref(names.function_alias_id(function)),
            },
        },
        f"{function_id}AlarmTopicPermission": {
            "Type": "AWS::Lambda::Permission",
            "Properties": {
                "Action": "lambda:InvokeFunction",
                "FunctionName": ref(names.function_alias_id(function)),
                "Principal": "sns.amazonaws.com",
                "SourceArn": ref(names.ALARM_TOPIC),
            },
        },
        f"{function_id}EventInvokeConfig": {
            "Type": "AWS::Lambda::EventInvokeConfig",
            "DependsOn": [names.function_alias_id(function)],
            "Properties": invoke_config,
        },
        f"{function_id}DeliveryPolicy": _delivery_policy(function, own_key),
    }
    if email_topic:
        out[EMAIL_TOPIC] = {
            "Type": "AWS::SNS::Topic",
            "Properties": {
                "TopicName": sub(_with_topic(email_topic)),
                "DisplayName": "Chat platform alarms",
                **({"KmsMasterKeyId": ref(names.DATA_KEY)} if own_key else {}),
            },
        }
        if not own_key:
            checkov.with_skips(out[EMAIL_TOPIC], "CKV_AWS_26")
        out[f"{EMAIL_TOPIC}Policy"] = {
            "Type": "AWS::SNS::TopicPolicy",
            "Properties": {
                "Topics": [ref(EMAIL_TOPIC)],
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            # Alarms about the alarm path (the notifier failing, SNS failing to
                            # deliver to it) notify people here directly, bypassing the notifier.
                            "Sid": "AlarmPathAlarmsOfThisAccountPublish",
                            "Effect": "Allow",
                            "Principal": {"Service": "cloudwatch.amazonaws.com"},
                            "Action": "sns:Publish",
                            "Resource": ref(EMAIL_TOPIC),
                            "Condition": {"ArnLike": {"aws:SourceArn": arn("cloudwatch", "alarm:*")}},
                        },
                        {
                            "Sid": "DenyPlainHttp",
                            "Effect": "Deny",
                            "Principal": "*",
                            "Action": "sns:Publish",
                            "Resource": ref(EMAIL_TOPIC),
                            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                        },
                    ],
                },
            },
        }
    return out


def alarm_resources(stack: Stack, stage: str) -> dict[str, Any]:
    """Template contributor: the alarms ``stage``'s cost profile keeps (``alarms.budget``) plus
    the notification path."""
    resources = cloudformation_resources(for_stage(build_alarms(stack, stage), stack, stage))
    resources.update(notification_resources(stack, stage))
    return resources
