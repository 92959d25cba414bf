"""One month of usage: the ``--usage`` YAML file of ``ops cost estimate``, and what a projection
builds for each user tier. Every key is optional; an absent quantity is 0."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict, field_validator

from kit.errors import UsageFileError
from kit.yaml_files import read_yaml, validate

Architecture = Literal["x86_64", "arm64"]
CognitoPlan = Literal["lite", "essentials", "plus"]
# Strict: a quoted "12" or a boolean is a mistake in a usage file, not a number.
Quantity = Annotated[float, Strict(), Field(ge=0, allow_inf_nan=False)]

LAMBDA_MEMORY_MB = (128, 10240)
LAMBDA_EPHEMERAL_MB = (512, 10240)


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class ProvisionedConcurrency(_Section):
    """Provisioned concurrency of one function: how much, for how long, and the requests the
    provisioned environments served (billed at the provisioned duration rate)."""

    concurrency: Quantity = 0
    hours: Quantity = 0
    requests: Quantity = 0
    duration_ms: Quantity = 0


class SnapStart(_Section):
    """SnapStart of one function (Python 3.12+): how long its published versions' snapshots
    stay cached, and how many new environments are restored from them."""

    cached_hours: Quantity = 0
    restores: Quantity = 0


class LambdaFunction(_Section):
    """One function's month: on-demand requests and their average duration, its size."""

    name: Annotated[str, Strict()] = ""
    requests: Quantity = 0
    duration_ms: Quantity = 0
    memory_mb: Quantity = 0
    architecture: Architecture = "x86_64"
    ephemeral_storage_mb: Quantity = 0
    provisioned: ProvisionedConcurrency = ProvisionedConcurrency()
    snapstart: SnapStart = SnapStart()

    @field_validator("memory_mb")
    @classmethod
    def _memory_in_range(cls, value: float) -> float:
        low, high = LAMBDA_MEMORY_MB
        if value and not low <= value <= high:
            raise ValueError(f"must be between {low} and {high} MB (got {value:g})")
        return value

    @field_validator("ephemeral_storage_mb")
    @classmethod
    def _ephemeral_in_range(cls, value: float) -> float:
        low, high = LAMBDA_EPHEMERAL_MB
        if value and not low <= value <= high:
            raise ValueError(f"must be between {low} and {high} MB (got {value:g})")
        return value

    @property
    def has_provisioned_concurrency(self) -> bool:
        """True when the function has provisioned concurrency configured this month (the
        Lambda free tier does not apply to such functions)."""
        return self.provisioned.concurrency > 0 and self.provisioned.hours > 0


class ApiGatewayUsage(_Section):
    """REST and HTTP API requests, WebSocket messages (of ``websocket_message_kb`` each) and
    connection minutes."""

    rest_requests: Quantity = 0
    http_requests: Quantity = 0
    websocket_messages: Quantity = 0
    websocket_message_kb: Quantity = 0
    websocket_connection_minutes: Quantity = 0


class DynamoDbUsage(_Section):
    """On-demand request units and stored GB-months."""

    write_request_units: Quantity = 0
    read_request_units: Quantity = 0
    storage_gb: Quantity = 0
    pitr_storage_gb: Quantity = 0
    stream_read_request_units: Quantity = 0


class S3Usage(_Section):
    """S3 Standard GB-months and requests."""

    storage_gb: Quantity = 0
    put_requests: Quantity = 0
    get_requests: Quantity = 0


class CognitoUsage(_Section):
    """Monthly active users of the user pool and its feature plan."""

    monthly_active_users: Quantity = 0
    plan: CognitoPlan = "essentials"


class CloudWatchUsage(_Section):
    """What observability costs: metrics, dashboards, alarms, logs and metric reads."""

    custom_metrics: Quantity = 0
    dashboards: Quantity = 0
    alarms: Quantity = 0
    high_resolution_alarms: Quantity = 0
    composite_alarms: Quantity = 0
    logs_ingested_gb: Quantity = 0
    vended_logs_ingested_gb: Quantity = 0
    logs_stored_gb: Quantity = 0
    logs_scanned_gb: Quantity = 0
    get_metric_data_metrics: Quantity = 0


class XRayUsage(_Section):
    """Traces recorded, and traces retrieved or scanned."""

    traces_recorded: Quantity = 0
    traces_retrieved: Quantity = 0


class SchedulerUsage(_Section):
    """EventBridge Scheduler invocations."""

    invocations: Quantity = 0


class SnsUsage(_Section):
    """SNS publishes and deliveries."""

    publishes: Quantity = 0
    http_notifications: Quantity = 0
    email_notifications: Quantity = 0


class WafUsage(_Section):
    """WAF web ACLs, their rules (a managed rule group counts as one) and requests inspected."""

    web_acls: Quantity = 0
    rules: Quantity = 0
    requests: Quantity = 0


class KmsUsage(_Section):
    """Customer managed KMS keys and the requests made with them."""

    keys: Quantity = 0
    requests: Quantity = 0


class Usage(_Section):
    """One month of usage of every service the platform uses."""

    lambda_: list[LambdaFunction] = Field(default_factory=list, alias="lambda")
    apigateway: ApiGatewayUsage = ApiGatewayUsage()
    dynamodb: DynamoDbUsage = DynamoDbUsage()
    s3: S3Usage = S3Usage()
    cognito: CognitoUsage = CognitoUsage()
    cloudwatch: CloudWatchUsage = CloudWatchUsage()
    xray: XRayUsage = XRayUsage()
    scheduler: SchedulerUsage = SchedulerUsage()
    sns: SnsUsage = SnsUsage()
    waf: WafUsage = WafUsage()
    kms: KmsUsage = KmsUsage()
    data_transfer_out_gb: Quantity = 0

    def plus(self, other: Usage) -> Usage:
        """This month's usage with ``other`` added: quantities summed, Lambda functions listed
        side by side (tiers and free tier still apply to their total). Plans and sizes come
        from ``self``; ``other`` adds quantities only."""
        merged: dict[str, Any] = {"lambda": [*self.lambda_, *other.lambda_]}
        # Every service section of the model (Lambda, a list, is merged above).
        sections = [name for name in type(self).model_fields if isinstance(getattr(self, name), BaseModel)]
        for section in sections:
            mine: BaseModel = getattr(self, section)
            theirs: BaseModel = getattr(other, section)
            values = mine.model_dump()
            for key, value in theirs.model_dump().items():
                if isinstance(value, int | float) and not isinstance(value, bool):
                    if key == "websocket_message_kb":
                        values[key] = max(values[key], value)
                    else:
                        values[key] = values[key] + value
            merged[section] = values
        merged["data_transfer_out_gb"] = self.data_transfer_out_gb + other.data_transfer_out_gb
        return Usage.model_validate(merged)


def load_usage(path: Path) -> Usage:
    """Read and validate a usage file.

    Raises
    ------
    UsageFileError
        With one line per problem, each naming the key path (``lambda[0].memory_mb``).
    """
    return parse_usage(read_yaml(path, UsageFileError, "usage file"), str(path))


def parse_usage(raw: Any, source: str = "usage") -> Usage:
    """Validate already-parsed usage data (a mapping, or None for an empty file)."""
    if raw is None:
        return Usage()
    if not isinstance(raw, dict):
        raise UsageFileError(f"usage file {source}: the top level must be a mapping of services")
    return validate(Usage, raw, f"usage file {source}", UsageFileError)
