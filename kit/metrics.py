"""The metrics the platform is watched through: AWS service metrics and the backend's EMF
business metrics, each with the exact namespace, name and dimensions CloudWatch records.

Alarms and dashboards both take their metrics from here, so a graph and the alarm drawn on it
always look at the same series.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from infra.model import Function, Stack
from infra.template import bucket as bucket_template

from kit.target import Target

Dimensions = tuple[tuple[str, str], ...]

# Statistics CloudWatch computes for every metric; percentiles are written ``p90``, ``p99.9``.
SIMPLE_STATS = ("SampleCount", "Average", "Sum", "Minimum", "Maximum")

# The backend's business metrics (``metrics.add_metric`` in platform/backend), by what they show.
BUSINESS_METRICS = (
    "MessagesSent",
    "DuplicateSends",
    "MessagesDelivered",
    "FanoutDeliveries",
    "FanoutLatency",
    "FanoutFailures",
    "StaleConnectionsRemoved",
    "ConnectionsOpened",
    "ConnectionsClosed",
    "FramesRefused",
    "ConnectsRefused",
    "AuthKeysUnavailable",
    "DependencyErrors",
    "DependencyThrottles",
    "RateLimited",
    "CallsStarted",
    "CallsAnswered",
    "CallsMissed",
    "CallsDeclined",
    "CallDuration",
    "UploadsRequested",
    "UsersRegistered",
    "Logins",
    "LoginFailures",
    "ConversationsCreated",
    "WarmupPings",
    "WarmupColdStarts",
    "CanaryRestSuccess",
    "CanaryRestLatency",
    "CanaryWebSocketSuccess",
    "CanaryWebSocketLatency",
)
# The canary's checks: (name in alarms and graphs, success metric, latency metric).
CANARY_CHECKS = (
    ("rest", "CanaryRestSuccess", "CanaryRestLatency"),
    ("websocket", "CanaryWebSocketSuccess", "CanaryWebSocketLatency"),
)
# The S3 request-metrics configuration the template puts on the bucket (its FilterId).
BUCKET_REQUEST_METRICS_FILTER = bucket_template.BUCKET_REQUEST_METRICS_FILTER


@dataclass(frozen=True)
class MetricStat:
    """One statistic of one metric over one period: what a graph line or an alarm watches."""

    namespace: str
    name: str
    dimensions: Dimensions = ()
    stat: str = "Sum"
    period: int = 60
    region: str | None = None  # only where the metric lives elsewhere (AWS/Billing: us-east-1)

    @property
    def is_percentile(self) -> bool:
        """True for extended statistics (``p90``, ``tm99``...), which CloudWatch computes apart."""
        return self.stat not in SIMPLE_STATS

    def with_stat(self, stat: str) -> MetricStat:
        """The same metric with another statistic."""
        return replace(self, stat=stat)

    def with_period(self, period: int) -> MetricStat:
        """The same metric over another period."""
        return replace(self, period=period)

    def dimension(self, name: str) -> str | None:
        """The value of dimension ``name``, or None."""
        for key, value in self.dimensions:
            if key == name:
                return value
        return None


def _dims(*pairs: tuple[str, str]) -> Dimensions:
    return tuple(pairs)


def lambda_metric(target: Target, function: Function, name: str, stat: str = "Sum", period: int = 60) -> MetricStat:
    """An ``AWS/Lambda`` metric of one function (``FunctionName`` dimension)."""
    return MetricStat("AWS/Lambda", name, _dims(("FunctionName", target.function_name(function))), stat, period)


def account_lambda_metric(name: str, stat: str = "Maximum", period: int = 60) -> MetricStat:
    """An account-wide ``AWS/Lambda`` metric (``ClaimedAccountConcurrency`` has no dimension)."""
    return MetricStat("AWS/Lambda", name, (), stat, period)


def rest_metric(target: Target, name: str, stat: str = "Sum", period: int = 60) -> MetricStat:
    """An ``AWS/ApiGateway`` metric of the REST API's stage (``ApiName``, ``Stage``)."""
    dims = _dims(("ApiName", target.rest_api_name), ("Stage", target.rest_stage))
    return MetricStat("AWS/ApiGateway", name, dims, stat, period)


def websocket_metric(target: Target, name: str, stat: str = "Sum", period: int = 60) -> MetricStat:
    """An ``AWS/ApiGateway`` metric of the WebSocket API's stage (``ApiId``, ``Stage``)."""
    dims = _dims(("ApiId", target.websocket_api_id), ("Stage", target.websocket_stage))
    return MetricStat("AWS/ApiGateway", name, dims, stat, period)


def table_metric(
    target: Target,
    name: str,
    stat: str = "Sum",
    period: int = 60,
    *,
    operation: str | None = None,
    index: str | None = None,
) -> MetricStat:
    """An ``AWS/DynamoDB`` metric of the table, or of one of its operations or indexes."""
    pairs: list[tuple[str, str]] = [("TableName", target.table_name)]
    if index is not None:
        pairs.append(("GlobalSecondaryIndexName", index))
    if operation is not None:
        pairs.append(("Operation", operation))
    return MetricStat("AWS/DynamoDB", name, tuple(pairs), stat, period)


def account_dynamodb_metric(name: str, stat: str = "Sum", period: int = 60) -> MetricStat:
    """An account-wide ``AWS/DynamoDB`` metric (``UserErrors`` has no dimension at all)."""
    return MetricStat("AWS/DynamoDB", name, (), stat, period)


def bucket_metric(target: Target, name: str, storage_type: str) -> MetricStat:
    """A daily ``AWS/S3`` storage metric of the bucket (``BucketSizeBytes``, ``NumberOfObjects``)."""
    dims = _dims(("BucketName", target.bucket_name), ("StorageType", storage_type))
    return MetricStat("AWS/S3", name, dims, "Average", 86400)


def bucket_request_metric(target: Target, name: str, stat: str = "Sum", period: int = 60) -> MetricStat:
    """An ``AWS/S3`` request metric of the bucket (``BucketName``, ``FilterId``): recorded only
    because the template gives the bucket a request-metrics configuration."""
    dims = _dims(("BucketName", target.bucket_name), ("FilterId", BUCKET_REQUEST_METRICS_FILTER))
    return MetricStat("AWS/S3", name, dims, stat, period)


def cognito_metric(target: Target, name: str, stat: str = "Sum", period: int = 300) -> MetricStat:
    """An ``AWS/Cognito`` metric of the pool's app client (``UserPool``, ``UserPoolClient``)."""
    dims = _dims(("UserPool", target.user_pool_id), ("UserPoolClient", target.user_pool_client_id))
    return MetricStat("AWS/Cognito", name, dims, stat, period)


def topic_metric(target: Target, name: str, stat: str = "Sum", period: int = 300) -> MetricStat:
    """An ``AWS/SNS`` metric of the alarm topic (``TopicName``)."""
    return MetricStat("AWS/SNS", name, _dims(("TopicName", target.alarm_topic_name)), stat, period)


def business_metric(stack: Stack, function: Function, name: str, stat: str = "Sum", period: int = 60) -> MetricStat:
    """A business metric one function emits through Powertools (dimension ``service``)."""
    return MetricStat(stack.metrics_namespace, name, _dims(("service", function.name)), stat, period)


def cold_start_metric(stack: Stack, target: Target, function: Function, period: int = 60) -> MetricStat:
    """Powertools' ``ColdStart`` metric of one function, with its exact dimensions
    (``function_name`` is the Lambda function's name, ``service`` the model's)."""
    dims = _dims(("function_name", target.function_name(function)), ("service", function.name))
    return MetricStat(stack.metrics_namespace, "ColdStart", dims, "Sum", period)


def billing_metric(service_name: str | None = None, period: int = 21600) -> MetricStat:
    """``AWS/Billing`` ``EstimatedCharges`` (month to date, USD), in total or for one service;
    billing metrics exist only in us-east-1 and are updated every few hours."""
    pairs: list[tuple[str, str]] = []
    if service_name is not None:
        pairs.append(("ServiceName", service_name))
    pairs.append(("Currency", "USD"))
    return MetricStat("AWS/Billing", "EstimatedCharges", tuple(pairs), "Maximum", period, region="us-east-1")


def serves_routes(function: Function) -> bool:
    """Whether users wait on ``function`` (it serves a REST or WebSocket route)."""
    return bool(function.rest_routes or function.websocket_routes)


def accepts_connections(function: Function) -> bool:
    """Whether ``function`` serves ``$connect`` (so it checks tokens and emits
    ``ConnectsRefused`` and ``AuthKeysUnavailable``)."""
    return any(route.route_key == "$connect" for route in function.websocket_routes)


def is_canary(function: Function) -> bool:
    """Whether ``function`` is the outage canary (it emits the ``Canary*`` metrics)."""
    return function.module == "backend.handlers.canary"


def fans_out(function: Function) -> bool:
    """Whether ``function`` posts to WebSocket connections, so it emits the fan-out metrics
    (``FanoutDeliveries``, ``FanoutFailures``, ``FanoutLatency``, for every kind of event)."""
    return any(p.resource == "websocket_connections" for p in function.permissions)


def table_operations(stack: Stack) -> tuple[str, ...]:
    """The DynamoDB operations the stack's functions may call on the table (from their
    permissions), as the ``Operation`` dimension names them."""
    actions = {
        action.split(":", 1)[1]
        for function in stack.functions
        for permission in function.permissions
        if permission.resource in ("table", "table_indexes")
        for action in permission.actions
    }
    operations = {a for a in actions if a in _OPERATIONS}
    if "ConditionCheckItem" in actions:
        # Condition checks only exist inside TransactWriteItems.
        operations.add("TransactWriteItems")
    return tuple(sorted(operations))


_OPERATIONS = frozenset(
    {
        "GetItem",
        "PutItem",
        "UpdateItem",
        "DeleteItem",
        "Query",
        "Scan",
        "BatchGetItem",
        "BatchWriteItem",
        "TransactWriteItems",
        "TransactGetItems",
    }
)
