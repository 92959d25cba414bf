"""The stack's customer-managed KMS key: encrypts the table, bucket, logs, alarm topic and the
functions' environment.

One key per stage; AWS-managed keys would not do for the alarm topic, because CloudWatch alarms
cannot publish to a topic encrypted with ``alias/aws/sns``.
"""

from __future__ import annotations

from typing import Any

from infra.template import names
from infra.template.context import SynthContext
from infra.template.intrinsics import arn, ref, sub

_USE_KEY = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]


def key_policy() -> dict[str, Any]:
    """Account administration (so IAM policies decide who uses the key), CloudWatch Logs for
    the log groups, and CloudWatch alarms for the encrypted alarm topic."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AccountAdministersTheKeyThroughIam",
                "Effect": "Allow",
                "Principal": {"AWS": sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root")},
                # A key policy's Resource is always "*" (the key itself).
                "Action": "kms:*",
                "Resource": "*",
            },
            {
                "Sid": "CloudWatchLogsEncryptsThisAccountsLogGroups",
                "Effect": "Allow",
                "Principal": {"Service": sub("logs.${AWS::Region}.amazonaws.com")},
                "Action": _USE_KEY,
                "Resource": "*",
                "Condition": {
                    "ArnLike": {"kms:EncryptionContext:aws:logs:arn": arn("logs", "log-group:*")},
                },
            },
            {
                "Sid": "CloudWatchAlarmsPublishToTheEncryptedTopic",
                "Effect": "Allow",
                "Principal": {"Service": "cloudwatch.amazonaws.com"},
                "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:SourceAccount": ref("AWS::AccountId")}},
            },
        ],
    }


def resources(ctx: SynthContext) -> dict[str, Any]:
    """The key (rotated yearly) and its alias; nothing when the stage's cost profile does
    without a customer managed key."""
    if not ctx.customer_managed_key:
        return {}
    return {
        names.DATA_KEY: {
            "Type": "AWS::KMS::Key",
            **ctx.retention_policy(),
            "Properties": {
                "Description": f"{ctx.prefix}: encryption at rest of data, logs and alarms",
                "EnableKeyRotation": True,
                "PendingWindowInDays": 30 if ctx.stage.protect_data else 7,
                "KeyPolicy": key_policy(),
            },
        },
        names.DATA_KEY_ALIAS: {
            "Type": "AWS::KMS::Alias",
            "Properties": {"AliasName": f"alias/{ctx.prefix}", "TargetKeyId": ref(names.DATA_KEY)},
        },
    }
