"""Least-privilege IAM statements of a function, from its ``permissions`` in the stack model.

Every statement names the stack's own resources. ``WILDCARD_REASONS`` lists the only statements
with ``"Resource": "*"`` and why AWS requires it; tests hold the template to that list.
"""

from __future__ import annotations

from typing import Any

from infra.model import Function, Permission
from infra.template import names
from infra.template.context import SynthContext
from infra.template.errors import TemplateError
from infra.template.intrinsics import arn, get_att, ref, sub

# Sid -> why the statement's resource is "*".
WILDCARD_REASONS: dict[str, str] = {
    "XRayWriteTraces": (
        "X-Ray's PutTraceSegments and PutTelemetryRecords support no resource-level permissions "
        "(AWS requires Resource '*')."
    ),
}

# S3 actions that act on the bucket itself; every other s3 action acts on objects.
_BUCKET_LEVEL_S3_ACTIONS = frozenset(
    {"s3:ListBucket", "s3:ListBucketVersions", "s3:ListBucketMultipartUploads", "s3:GetBucketLocation"}
)
# Management-API methods a connection-posting function may use on @connections/{id}.
_CONNECTION_METHODS = ("POST", "GET", "DELETE")
# Resources encrypted with the stack's key, and the service that uses the key for the caller.
_KEY_USING_RESOURCES = {
    "table": "dynamodb",
    "table_indexes": "dynamodb",
    "bucket": "s3",
    "alarm_topic": "sns",
}


def _sid(permission: Permission, index: int) -> str:
    return f"{names.camel(permission.resource)}{index}"


def permission_resources(ctx: SynthContext, permission: Permission, actions: tuple[str, ...]) -> list[Any]:
    """The ARNs that ``actions`` of ``permission`` are granted on (never ``*``)."""
    stack = ctx.stack
    kind = permission.resource
    if kind == "table":
        return [get_att(stack.table.logical_name, "Arn")]
    if kind == "table_indexes":
        if not stack.table.global_secondary_indexes:
            raise TemplateError("a function asks for table_indexes but the table has no index")
        return [
            sub(f"${{{stack.table.logical_name}.Arn}}/index/{index.name}")
            for index in stack.table.global_secondary_indexes
        ]
    if kind == "bucket":
        if all(action in _BUCKET_LEVEL_S3_ACTIONS for action in actions):
            return [get_att(stack.bucket.logical_name, "Arn")]
        return [sub(f"${{{stack.bucket.logical_name}.Arn}}/{permission.prefix or '*'}")]
    if kind == "user_pool":
        return [arn("cognito-idp", f"userpool/${{{stack.user_pool.logical_name}}}")]
    if kind == "websocket_connections":
        if not ctx.has_websocket():
            raise TemplateError("a function asks for websocket_connections but no function serves a WebSocket route")
        api, stage = stack.websocket_api.logical_name, stack.websocket_api.stage
        # Connection ids are known only at run time: the id part is the one wildcard.
        return [arn("execute-api", f"${{{api}}}/{stage}/{method}/@connections/*") for method in _CONNECTION_METHODS]
    if kind == "alarm_topic":
        return [ref(names.ALARM_TOPIC)]
    raise TemplateError(f"unknown permission resource {kind!r}")


def permission_statements(ctx: SynthContext, function: Function) -> list[dict[str, Any]]:
    """One statement per permission of ``function`` (bucket- and object-level S3 actions apart)."""
    statements: list[dict[str, Any]] = []
    for index, permission in enumerate(function.permissions, start=1):
        groups: list[tuple[str, ...]] = [permission.actions]
        if permission.resource == "bucket":
            bucket_level = tuple(a for a in permission.actions if a in _BUCKET_LEVEL_S3_ACTIONS)
            object_level = tuple(a for a in permission.actions if a not in _BUCKET_LEVEL_S3_ACTIONS)
            groups = [g for g in (bucket_level, object_level) if g]
        for part, actions in enumerate(groups):
            statements.append(
                {
                    "Sid": _sid(permission, index) + ("Objects" if part else ""),
                    "Effect": "Allow",
                    "Action": sorted(actions),
                    "Resource": permission_resources(ctx, permission, actions),
                }
            )
    return statements


def key_statement(function: Function) -> dict[str, Any] | None:
    """Use of the stack's key, through the services whose encrypted resources ``function`` uses."""
    services = sorted(
        {_KEY_USING_RESOURCES[p.resource] for p in function.permissions if p.resource in _KEY_USING_RESOURCES}
    )
    if not services:
        return None
    return {
        "Sid": "UseDataKeyThroughServices",
        "Effect": "Allow",
        "Action": ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"],
        "Resource": get_att(names.DATA_KEY, "Arn"),
        "Condition": {
            "StringEquals": {"kms:ViaService": [sub(f"{s}.${{AWS::Region}}.amazonaws.com") for s in services]}
        },
    }


def policy_document(ctx: SynthContext, function: Function) -> dict[str, Any]:
    """The function's whole policy: its log group, X-Ray, its model permissions, the key."""
    statements: list[dict[str, Any]] = [
        {
            "Sid": "WriteOwnLogs",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": get_att(names.function_log_group_id(function), "Arn"),
        },
        {
            "Sid": "XRayWriteTraces",
            "Effect": "Allow",
            "Action": ["xray:PutTelemetryRecords", "xray:PutTraceSegments"],
            "Resource": "*",
        },
        *permission_statements(ctx, function),
    ]
    key = key_statement(function) if ctx.customer_managed_key else None
    if key is not None:
        statements.append(key)
    return {"Version": "2012-10-17", "Statement": statements}


def lambda_trust_policy() -> dict[str, Any]:
    """Who may assume a function's role: the Lambda service."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
