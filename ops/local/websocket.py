"""The WebSocket API's side of the gateway: connections, the events API Gateway sends for
``$connect``/``$disconnect``/messages, and route selection on ``$request.body.action``."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from infra.model import Function, Stack

from ops.local import names
from ops.local.rest import canonical_header, single_and_multi

CONNECT = "$connect"
DISCONNECT = "$disconnect"
DEFAULT = "$default"


def new_connection_id() -> str:
    """An id shaped like API Gateway's (16 characters of base64)."""
    return base64.urlsafe_b64encode(os.urandom(11)).decode()


def _iso(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(epoch)) + f".{int(epoch * 1000) % 1000:03d}Z"


@dataclass
class Connection:
    """One open client connection and what GET @connections/{id} reports about it."""

    connection_id: str
    socket: Any  # starlette WebSocket
    source_ip: str
    user_agent: str | None
    connected_at: float = field(default_factory=time.time)
    last_active_at: float = field(default_factory=time.time)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    open: bool = True

    def describe(self) -> dict[str, Any]:
        """The management API's GetConnection answer."""
        return {
            "connectedAt": _iso(self.connected_at),
            "lastActiveAt": _iso(self.last_active_at),
            "identity": {"sourceIp": self.source_ip, "userAgent": self.user_agent},
        }


class Routes:
    """The WebSocket API's route keys and the function behind each, from the stack model."""

    def __init__(self, stack: Stack) -> None:
        self._functions: dict[str, Function] = {}
        for function in stack.functions:
            for route in function.websocket_routes:
                self._functions[route.route_key] = function

    def function_for(self, route_key: str) -> Function | None:
        """The function serving ``route_key``, or None when the API has no such route."""
        return self._functions.get(route_key)

    def select(self, frame: str) -> str | None:
        """The route key for a frame: its ``action`` when a route has that key, else
        ``$default`` when there is one, else None (API Gateway answers "Forbidden")."""
        action: Any = None
        try:
            body = json.loads(frame)
        except (ValueError, RecursionError):  # not JSON, or nested deeper than the parser goes
            body = None
        if isinstance(body, dict):
            action = body.get("action")
        if isinstance(action, str) and action in self._functions and not action.startswith("$"):
            return action
        return DEFAULT if DEFAULT in self._functions else None


def _request_context(
    stack: Stack,
    connection: Connection,
    *,
    route_key: str,
    event_type: str,
    request_id: str,
    domain: str,
) -> dict[str, Any]:
    now = time.time()
    return {
        "routeKey": route_key,
        "eventType": event_type,
        "extendedRequestId": request_id,
        "requestTime": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
        "messageDirection": "IN",
        "stage": stack.websocket_api.stage,
        "connectedAt": int(connection.connected_at * 1000),
        "requestTimeEpoch": int(now * 1000),
        "identity": {"sourceIp": connection.source_ip, "userAgent": connection.user_agent},
        "requestId": request_id,
        "domainName": domain,
        "connectionId": connection.connection_id,
        "apiId": names.websocket_api_id(stack),
    }


def connect_event(
    stack: Stack,
    connection: Connection,
    *,
    headers: Iterable[tuple[str, str]],
    query: Iterable[tuple[str, str]],
    request_id: str,
    domain: str,
) -> dict[str, Any]:
    """The ``$connect`` event: headers and query string of the handshake."""
    single, multi = single_and_multi((canonical_header(name), value) for name, value in headers)
    query_single, query_multi = single_and_multi(query)
    return {
        "headers": single,
        "multiValueHeaders": multi,
        "queryStringParameters": query_single or None,
        "multiValueQueryStringParameters": query_multi or None,
        "requestContext": _request_context(
            stack, connection, route_key=CONNECT, event_type="CONNECT", request_id=request_id, domain=domain
        ),
        "isBase64Encoded": False,
    }


def message_event(
    stack: Stack, connection: Connection, *, route_key: str, body: str, request_id: str, domain: str, binary: bool
) -> dict[str, Any]:
    """The event for one client frame routed to ``route_key``."""
    context = _request_context(
        stack, connection, route_key=route_key, event_type="MESSAGE", request_id=request_id, domain=domain
    )
    context["messageId"] = base64.urlsafe_b64encode(os.urandom(6)).decode()
    return {"requestContext": context, "body": body, "isBase64Encoded": binary}


def disconnect_event(
    stack: Stack, connection: Connection, *, status_code: int, reason: str, request_id: str, domain: str
) -> dict[str, Any]:
    """The ``$disconnect`` event (sent best-effort, after the socket closed)."""
    context = _request_context(
        stack, connection, route_key=DISCONNECT, event_type="DISCONNECT", request_id=request_id, domain=domain
    )
    context["disconnectStatusCode"] = status_code
    context["disconnectReason"] = reason
    headers = {"Host": domain, "X-Amzn-Trace-Id": "", "X-Forwarded-Port": "443", "X-Forwarded-Proto": "https"}
    return {
        "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "requestContext": context,
        "isBase64Encoded": False,
    }
