"""Helpers shared by the alarms, dashboards and notification tests: moto's server on 127.0.0.1,
an info file that points the CLI at it as if it were the local twin, and stack variants."""

from __future__ import annotations

import json
import urllib.request
from dataclasses import replace
from pathlib import Path
from typing import Any

from infra import STACK
from infra.model import Function, Permission, RestRoute, Stack

from tests.support.moto_server import client as moto_client

EXTRA_FUNCTION = Function(
    name="search",
    handler="backend.handlers.search.handler",
    description="Message search",
    memory_mb=768,
    timeout_s=6,
    reserved_concurrency=50,
    rest_routes=(RestRoute("GET", "/search"),),
    permissions=(
        Permission("table", ("dynamodb:Query",)),
        Permission("websocket_connections", ("execute-api:ManageConnections",)),
    ),
)


def with_function(stack: Stack = STACK, function: Function = EXTRA_FUNCTION) -> Stack:
    """``stack`` plus ``function`` (nothing else changed)."""
    return replace(stack, functions=(*stack.functions, function))


def many_functions(count: int) -> Stack:
    """A stack with ``count`` REST functions (to push dashboards past CloudWatch's limits)."""
    functions = tuple(
        replace(EXTRA_FUNCTION, name=f"fn{n:03d}", rest_routes=(RestRoute("GET", f"/fn{n:03d}"),)) for n in range(count)
    )
    return replace(STACK, functions=functions)


def reset(url: str) -> None:
    """Forget everything moto's server holds."""
    request = urllib.request.Request(f"{url}/moto-api/reset", method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()


def client(url: str, service: str) -> Any:
    """A client of moto's server that fails fast."""
    return moto_client(service, url)


def twin_info(url: str, stack: Stack = STACK) -> dict[str, Any]:
    """What `ops local up --info-file` writes, pointing at moto's server at ``url``."""
    return {
        "aws_endpoint_url": url,
        "rest_url": "http://127.0.0.1:3000",
        "websocket_url": "ws://127.0.0.1:3000/ws",
        "user_pool_id": "us-east-1_TwinPool1",
        "user_pool_client_id": "twinclient1",
        "table_name": "chat-platform-chattable",
        "bucket_name": "chat-platform-mediabucket",
        "alarm_topic_arn": "arn:aws:sns:us-east-1:123456789012:chat-platform-alarms",
        "rest_api_name": "chat-platform-RestApi",
        "websocket_api_id": "0123456789",
        "stage": stack.rest_api.stage,
        "functions": {f.name: f"{stack.name}-{f.name}" for f in stack.functions},
    }


def write_info(path: Path, url: str) -> Path:
    """Write the info file of a twin at ``url``; returns its path."""
    path.write_text(json.dumps(twin_info(url)))
    return path
