"""The DynamoDB table: on-demand, KMS-encrypted, point-in-time recovery, TTL; protected in prod."""

from __future__ import annotations

from typing import Any

from infra.provision import table_definition
from infra.template import checkov, names
from infra.template.context import SynthContext
from infra.template.intrinsics import ref


def resources(ctx: SynthContext) -> dict[str, Any]:
    """The table, keys and indexes taken from the same definition the local twin creates."""
    table = ctx.stack.table
    properties = table_definition(table, names.table_name(ctx.stack, ctx.stage.name))
    properties.update(
        {
            # SSEEnabled false is DynamoDB's AWS owned key: still encrypted at rest, at no charge.
            "SSESpecification": (
                {"SSEEnabled": True, "SSEType": "KMS", "KMSMasterKeyId": ref(names.DATA_KEY)}
                if ctx.customer_managed_key
                else {"SSEEnabled": False}
            ),
            "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": table.point_in_time_recovery},
            "TimeToLiveSpecification": {"AttributeName": table.ttl_attribute, "Enabled": True},
            "DeletionProtectionEnabled": ctx.stage.protect_data,
        }
    )
    resource = {"Type": "AWS::DynamoDB::Table", **ctx.retention_policy(), "Properties": properties}
    if not ctx.customer_managed_key:
        checkov.with_skips(resource, "CKV_AWS_119")
    return {table.logical_name: resource}
