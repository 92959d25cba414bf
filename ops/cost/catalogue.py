"""Which metrics carry the usage that costs money, and which series belong to the stack.

The same catalogue tells :mod:`ops.cost.cloudwatch` what to pull and
:mod:`ops.cost.observed` which rows of an export to read, so a CloudWatch pull and an export
are read the same way.

Series are matched to the stack model by physical name: a function ``chat`` matches a
``FunctionName`` of ``chat`` or ``<anything>-chat`` (``chat-platform-chat`` in the local twin),
the table ``ChatTable`` a ``TableName`` ending in ``-chattable``, and so on, case-insensitively.
The REST API's ``ApiName`` is the one the template gives it (``infra.template.names.rest_api_name``,
``chat-platform-dev-rest``) in any of the model's stages, or the local twin's
(``chat-platform-RestApi``, ending in the model's logical name).
WebSocket metrics carry only the API id, so every WebSocket API in the data counts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from infra.model import Stack
from infra.template import names

Resource = Literal["function", "rest_api", "websocket_api", "table", "bucket", "log_group", "distribution"]
Combine = Literal["first", "all"]

# The app's own metrics (EMF, in the stack's metrics namespace).
ACTIVE_USERS = "ActiveUsers"
WARMUP_PINGS = "WarmupPings"
CONNECTION_MINUTES = "ConnectionMinutes"
# What the store writes (backend/store/sizes.py) and the sizes uploads declare (services/uploads.py).
STORED_BYTES = "StoredBytes"
INDEXED_BYTES = "IndexedBytes"
UPLOAD_BYTES = "UploadBytesRequested"
GAUGES = frozenset({"BucketSizeBytes", ACTIVE_USERS})
LAMBDA_LOG_PREFIX = "/aws/lambda/"


@dataclass(frozen=True)
class WantedMetric:
    """An AWS metric the projection reads.

    ``dimension_sets`` are the accepted sets of dimension names, preferred first; with
    ``combine="first"`` a resource's series come from the first set that has any (so a
    stage-level and an API-level series of the same requests are not both counted), with
    ``"all"`` every set adds up (a table's writes and its indexes' writes are all billed).
    """

    key: str
    namespace: str
    metric: str
    statistic: str
    resource: Resource
    dimension_sets: tuple[frozenset[str], ...]
    combine: Combine = "first"
    fixed: Mapping[str, str] = field(default_factory=dict)
    # Where the metric lives when not in the stack's region (CloudFront's: us-east-1 only).
    region: str | None = None


def _dims(*names: str) -> frozenset[str]:
    return frozenset(names)


WANTED: tuple[WantedMetric, ...] = (
    WantedMetric("lambda.invocations", "AWS/Lambda", "Invocations", "Sum", "function", (_dims("FunctionName"),)),
    WantedMetric("lambda.duration", "AWS/Lambda", "Duration", "Sum", "function", (_dims("FunctionName"),)),
    WantedMetric(
        "apigateway.rest_requests",
        "AWS/ApiGateway",
        "Count",
        "Sum",
        "rest_api",
        (_dims("ApiName", "Stage"), _dims("ApiName")),
    ),
    WantedMetric(
        "apigateway.websocket_messages",
        "AWS/ApiGateway",
        "MessageCount",
        "Sum",
        "websocket_api",
        (_dims("ApiId", "Stage"), _dims("ApiId")),
    ),
    WantedMetric(
        "apigateway.websocket_connects",
        "AWS/ApiGateway",
        "ConnectCount",
        "Sum",
        "websocket_api",
        (_dims("ApiId", "Stage"), _dims("ApiId")),
    ),
    WantedMetric(
        "dynamodb.write_units",
        "AWS/DynamoDB",
        "ConsumedWriteCapacityUnits",
        "Sum",
        "table",
        (_dims("TableName"), _dims("TableName", "GlobalSecondaryIndexName")),
        combine="all",
    ),
    WantedMetric(
        "dynamodb.read_units",
        "AWS/DynamoDB",
        "ConsumedReadCapacityUnits",
        "Sum",
        "table",
        (_dims("TableName"), _dims("TableName", "GlobalSecondaryIndexName")),
        combine="all",
    ),
    WantedMetric(
        "s3.storage_bytes",
        "AWS/S3",
        "BucketSizeBytes",
        "Average",
        "bucket",
        (_dims("BucketName", "StorageType"),),
        fixed={"StorageType": "StandardStorage"},
    ),
    WantedMetric("s3.put_requests", "AWS/S3", "PutRequests", "Sum", "bucket", (_dims("BucketName", "FilterName"),)),
    WantedMetric("s3.get_requests", "AWS/S3", "GetRequests", "Sum", "bucket", (_dims("BucketName", "FilterName"),)),
    WantedMetric(
        "s3.bytes_downloaded", "AWS/S3", "BytesDownloaded", "Sum", "bucket", (_dims("BucketName", "FilterName"),)
    ),
    # The web distribution (every distribution in the data counts, as WebSocket APIs do).
    WantedMetric(
        "cloudfront.requests",
        "AWS/CloudFront",
        "Requests",
        "Sum",
        "distribution",
        (_dims("DistributionId", "Region"),),
        fixed={"Region": "Global"},
        region="us-east-1",
    ),
    WantedMetric(
        "cloudfront.bytes_downloaded",
        "AWS/CloudFront",
        "BytesDownloaded",
        "Sum",
        "distribution",
        (_dims("DistributionId", "Region"),),
        fixed={"Region": "Global"},
        region="us-east-1",
    ),
    WantedMetric("logs.incoming_bytes", "AWS/Logs", "IncomingBytes", "Sum", "log_group", (_dims("LogGroupName"),)),
)


def wanted(key: str) -> WantedMetric:
    """The catalogue entry ``key`` (``lambda.invocations``...)."""
    for entry in WANTED:
        if entry.key == key:
            return entry
    raise KeyError(key)


def matches_name(physical: str, logical: str) -> bool:
    """True when a physical name belongs to the model's ``logical`` name (see module doc)."""
    physical, logical = physical.lower(), logical.lower()
    return physical == logical or physical.endswith(f"-{logical}")


def resource_of(entry: WantedMetric, dimensions: Mapping[str, str], stack: Stack) -> str | None:
    """The stack resource a series of ``entry`` measures (a function's name, ``rest``,
    ``websocket``, ``table``, ``bucket``, ``web``), or None when it is not one of the stack's."""
    if frozenset(dimensions) not in entry.dimension_sets:
        return None
    if any(dimensions.get(name) != value for name, value in entry.fixed.items()):
        return None
    if entry.resource == "function":
        return _function(dimensions.get("FunctionName", ""), stack)
    if entry.resource == "log_group":
        group = dimensions.get("LogGroupName", "")
        return _function(group[len(LAMBDA_LOG_PREFIX) :], stack) if group.startswith(LAMBDA_LOG_PREFIX) else None
    if entry.resource == "rest_api":
        name = dimensions.get("ApiName", "")
        stage = dimensions.get("Stage", stack.rest_api.stage)
        known = (
            matches_name(name, stack.rest_api.logical_name)
            or name.lower() == stack.name.lower()
            or name.lower() in rest_api_names(stack)
        )
        return "rest" if known and stage == stack.rest_api.stage else None
    if entry.resource == "websocket_api":
        stage = dimensions.get("Stage", stack.websocket_api.stage)
        return "websocket" if stage == stack.websocket_api.stage else None
    if entry.resource == "distribution":
        return "web" if stack.web is not None else None
    if entry.resource == "table":
        return "table" if matches_name(dimensions.get("TableName", ""), stack.table.logical_name) else None
    return "bucket" if matches_name(dimensions.get("BucketName", ""), stack.bucket.logical_name) else None


def rest_api_names(stack: Stack) -> frozenset[str]:
    """The REST API's physical names in the template, one per stage of the model (lower case)."""
    return frozenset(names.rest_api_name(stack, stage.name).lower() for stage in stack.stages)


def _function(physical: str, stack: Stack) -> str | None:
    # The longest matching name wins: "x-group-chat" is "group-chat", not "chat".
    names = [function.name for function in stack.functions if matches_name(physical, function.name)]
    return max(names, key=len) if names else None
