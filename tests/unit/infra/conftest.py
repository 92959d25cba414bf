"""Templates synthesized from the stack model, and stack variants to test the builder with."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from infra import STACK
from infra.model import Function, Permission, RestRoute, Stack, WebSocketRoute
from infra.template import synthesize


def resources_of_type(template: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    """The template's resources of ``resource_type`` by logical id."""
    return {k: v for k, v in template["Resources"].items() if v["Type"] == resource_type}


def rest_only_stack() -> Stack:
    """The stack model without any WebSocket route (no WebSocket API may appear)."""
    functions = tuple(
        replace(
            f,
            websocket_routes=(),
            permissions=tuple(p for p in f.permissions if p.resource != "websocket_connections"),
        )
        for f in STACK.functions
        if f.rest_routes
    )
    return replace(STACK, functions=functions)


def extended_stack() -> Stack:
    """The stack model plus a function that uses every kind of permission, a second
    architecture, and its own REST and WebSocket routes."""
    extra = Function(
        name="probe-extra",
        handler="backend.handlers.probe.handler",
        description="test-only function",
        architecture="x86_64",
        reserved_concurrency=5,
        rest_routes=(RestRoute("GET", "/probe/{probeId}/items"), RestRoute("POST", "/probe", authorized=False)),
        websocket_routes=(WebSocketRoute("probeAction"),),
        permissions=(
            Permission("table", ("dynamodb:GetItem",)),
            Permission("table_indexes", ("dynamodb:Query",)),
            Permission("bucket", ("s3:ListBucket", "s3:GetObject"), prefix="probe/*"),
            Permission("user_pool", ("cognito-idp:AdminGetUser",)),
            Permission("websocket_connections", ("execute-api:ManageConnections",)),
            Permission("alarm_topic", ("sns:Publish",)),
        ),
    )
    return replace(STACK, functions=(*STACK.functions, extra))


@pytest.fixture(scope="session")
def dev_template() -> dict[str, Any]:
    return synthesize(STACK, "dev", contributors=())


@pytest.fixture(scope="session")
def prod_template() -> dict[str, Any]:
    return synthesize(STACK, "prod", contributors=())


@pytest.fixture(scope="session")
def extended_template() -> dict[str, Any]:
    return synthesize(extended_stack(), "dev", contributors=())
