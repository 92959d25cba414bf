"""The alarm topic: KMS-encrypted, published to by this account's CloudWatch alarms over TLS."""

from __future__ import annotations

from typing import Any

from infra.template import names
from infra.template.context import SynthContext
from infra.template.intrinsics import arn, ref


def resources(ctx: SynthContext) -> dict[str, Any]:
    """The topic and its policy; subscriptions are added by the alarms contributor."""
    return {
        names.ALARM_TOPIC: {
            "Type": "AWS::SNS::Topic",
            "Properties": {
                "TopicName": f"{ctx.prefix}-alarms",
                "DisplayName": f"{ctx.prefix} alarms",
                "KmsMasterKeyId": ref(names.DATA_KEY),
            },
        },
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
