"""Moved to :mod:`kit.usage` (the price sheet and engine alarms, dashboards and cost share);
re-exported here so that callers written before the move keep working."""

from __future__ import annotations

from kit.usage import (
    LAMBDA_EPHEMERAL_MB,
    LAMBDA_MEMORY_MB,
    ApiGatewayUsage,
    Architecture,
    CloudWatchUsage,
    CognitoPlan,
    CognitoUsage,
    DynamoDbUsage,
    KmsUsage,
    LambdaFunction,
    ProvisionedConcurrency,
    Quantity,
    S3Usage,
    SchedulerUsage,
    SnsUsage,
    Usage,
    WafUsage,
    XRayUsage,
    load_usage,
    parse_usage,
)

__all__ = [
    "LAMBDA_EPHEMERAL_MB",
    "LAMBDA_MEMORY_MB",
    "ApiGatewayUsage",
    "Architecture",
    "CloudWatchUsage",
    "CognitoPlan",
    "CognitoUsage",
    "DynamoDbUsage",
    "KmsUsage",
    "LambdaFunction",
    "ProvisionedConcurrency",
    "Quantity",
    "S3Usage",
    "SchedulerUsage",
    "SnsUsage",
    "Usage",
    "WafUsage",
    "XRayUsage",
    "load_usage",
    "parse_usage",
]
