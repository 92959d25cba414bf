"""boto3 clients for the CLI: a real account, or the local twin / moto through --endpoint-url."""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlsplit

import boto3
from botocore.config import Config

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
DEFAULT_CONFIG = Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=5, read_timeout=30)


def is_local(endpoint_url: str | None) -> bool:
    """True when ``endpoint_url`` points at this machine (the local twin or moto)."""
    return bool(endpoint_url) and urlsplit(endpoint_url or "").hostname in LOCAL_HOSTS


def aws_client(
    service: str, endpoint_url: str | None = None, region: str | None = None, config: Config | None = None
) -> Any:
    """A client for ``service``. An endpoint on this machine needs no real credentials: when
    none are configured, placeholder ones are used (the emulator accepts any)."""
    session = boto3.session.Session()
    credentials: dict[str, str] = {}
    if is_local(endpoint_url) and session.get_credentials() is None:
        credentials = {"aws_access_key_id": "local", "aws_secret_access_key": "local"}
    make_client: Any = session.client  # typed loosely: the service is chosen at run time
    return make_client(
        service,
        region_name=region or session.region_name or os.environ.get("AWS_REGION") or "us-east-1",
        endpoint_url=endpoint_url,
        config=config or DEFAULT_CONFIG,
        **credentials,
    )
