"""The alarm topic: KMS-encrypted, published to by this account's CloudWatch alarms over TLS."""

from __future__ import annotations

from typing import Any

from infra.template import checkov, names
from infra.template.context import SynthContext
from infra.template.intrinsics import arn, ref


def encrypted_topic(ctx: SynthContext, properties: dict[str, Any]) -> dict[str, Any]:
    """An SNS topic under the stack's key; without one (the stage's cost profile) unencrypted,
    because CloudWatch alarms cannot publish to a topic under the AWS managed key (alias/aws/sns)."""
    topic: dict[str, Any] = {"Type": "AWS::SNS::Topic", "Properties": dict(properties)}
    if ctx.customer_managed_key:
        topic["Properties"]["KmsMasterKeyId"] = ref(names.DATA_KEY)
        return topic
    return checkov.with_skips(topic, "CKV_AWS_26")


def resources(ctx: SynthContext) -> dict[str, Any]:
    """The topic and its policy; subscriptions are added by the alarms contributor."""
    return {
        names.ALARM_TOPIC: encrypted_topic(
            ctx, {"TopicName": f"{ctx.prefix}-alarms", "DisplayName": f"{ctx.prefix} alarms"}
        ),
        names.ALARM_TOPIC_POLICY: {
            "Type": "AWS::SNS::TopicPolicy",
            "Properties": {
                "Topics": [ref(names.ALARM_TOPIC)],
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "CloudWatchAlarmsOfThisAccountPublish",
                            "Effect": "Allow",
                            "Principal": {"Service": "cloudwatch.amazonaws.com"},
                            "Action": "sns:Publish",
                            "Resource": ref(names.ALARM_TOPIC),
                            "Condition": {"ArnLike": {"aws:SourceArn": arn("cloudwatch", "alarm:*")}},
                        },
                        {
                            "Sid": "DenyPlainHttp",
                            "Effect": "Deny",
                            "Principal": "*",
                            "Action": "sns:Publish",
                            "Resource": ref(names.ALARM_TOPIC),
                            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                        },
                    ],
                },
            },
        },
    }
