"""Provision the whole stack into the embedded AWS: what ``infra.provision`` creates (table,
bucket, user pool and client) plus what the functions' observability needs (log groups with
the retention the template sets, the alarm topic)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import boto3
from botocore.config import Config
from infra.model import Stack
from infra.provision import provision

from ops.local import names

LOG_RETENTION_DAYS = 30
_CLIENT_CONFIG = Config(retries={"max_attempts": 1}, connect_timeout=5, read_timeout=30)


@dataclass(frozen=True)
class LocalResources:
    """Names, ids and ARNs of everything provisioned."""

    table_name: str
    bucket_name: str
    user_pool_id: str
    user_pool_client_id: str
    alarm_topic_arn: str
    log_groups: dict[str, str]
    # The web build's bucket ("": the stack hosts no web build).
    web_bucket_name: str = ""

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready copy."""
        return asdict(self)


def client(endpoint_url: str, service: str) -> Any:
    """A boto3 client of the embedded AWS with fake credentials (it can never reach real AWS)
    that fails fast on moto's gaps (no retries)."""
    session = boto3.Session(aws_access_key_id="local", aws_secret_access_key="local", region_name=names.REGION)
    return session.client(service, endpoint_url=endpoint_url, config=_CLIENT_CONFIG)  # type: ignore[call-overload]


class _EndpointSession:
    """The slice of ``boto3.Session`` that ``infra.provision`` uses, bound to one endpoint."""

    def __init__(self, endpoint_url: str) -> None:
        self._endpoint_url = endpoint_url

    def client(self, service: str, region_name: str | None = None) -> Any:
        del region_name
        return client(self._endpoint_url, service)


def provision_local(endpoint_url: str, stack: Stack) -> LocalResources:
    """Create every resource of ``stack`` in the embedded AWS at ``endpoint_url``."""
    base = provision(_EndpointSession(endpoint_url), stack, prefix=names.resource_prefix(stack), region=names.REGION)
    logs = client(endpoint_url, "logs")
    groups: dict[str, str] = {}
    for function in stack.functions:
        group = names.log_group(stack, function)
        logs.create_log_group(logGroupName=group)
        logs.put_retention_policy(logGroupName=group, retentionInDays=LOG_RETENTION_DAYS)
        groups[function.name] = group
    topic = client(endpoint_url, "sns").create_topic(Name=names.alarm_topic_name(stack))
    web_bucket = ""
    if stack.web is not None:
        web_bucket = names.web_bucket_name(stack)
        client(endpoint_url, "s3").create_bucket(Bucket=web_bucket)
    return LocalResources(
        table_name=base.table_name,
        bucket_name=base.bucket_name,
        user_pool_id=base.user_pool_id,
        user_pool_client_id=base.user_pool_client_id,
        alarm_topic_arn=topic["TopicArn"],
        log_groups=groups,
        web_bucket_name=web_bucket,
    )
