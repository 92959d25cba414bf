"""A fake management API (it can answer 410, unlike moto's) and a WebSocket client that
drives the websocket handler with the events API Gateway would send."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from backend.realtime.sender import DeliveryFailed, GoneConnection

from tests.support.lambda_context import FakeLambdaContext


@dataclass
class FakeSender:
    """Records every frame per connection; ``gone`` answer 410, ``broken`` fail otherwise."""

    gone: set[str] = field(default_factory=set)
    broken: set[str] = field(default_factory=set)
    delay_s: float = 0.0
    frames: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    on_post: Any = None
    closed: list[str] = field(default_factory=list)
    # connection -> how many more posts fail with a retryable error (429 / 5xx) first
    retryable_failures: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def post(self, connection_id: str, data: bytes) -> None:
        if self.delay_s:
            time.sleep(self.delay_s)
        if connection_id in self.gone:
            raise GoneConnection(connection_id)
        if connection_id in self.broken:
            raise DeliveryFailed(connection_id)
        with self._lock:
            remaining = self.retryable_failures.get(connection_id, 0)
            if remaining:
                self.retryable_failures[connection_id] = remaining - 1
        if remaining:
            raise DeliveryFailed(f"{connection_id}: 429", retryable=True)
        event = json.loads(data)
        if self.on_post is not None:
            self.on_post(connection_id, event)
        with self._lock:
            self.frames[connection_id].append(event)

    def close(self, connection_id: str) -> None:
        with self._lock:
            self.closed.append(connection_id)

    def of(self, connection_id: str, event_type: str | None = None) -> list[dict[str, Any]]:
        """Frames a connection received (of one type if given)."""
        with self._lock:
            frames = list(self.frames.get(connection_id, []))
        return [f for f in frames if event_type is None or f["type"] == event_type]

    def clear(self) -> None:
        with self._lock:
            self.frames.clear()


def ws_event(route_key: str, connection_id: str, body: str | None = None, token: str | None = None) -> dict[str, Any]:
    """A WebSocket API event as API Gateway sends it to the integration."""
    event_type = {"$connect": "CONNECT", "$disconnect": "DISCONNECT"}.get(route_key, "MESSAGE")
    event: dict[str, Any] = {
        "requestContext": {
            "routeKey": route_key,
            "eventType": event_type,
            "connectionId": connection_id,
            "domainName": "abc123.execute-api.us-east-1.amazonaws.com",
            "stage": "v1",
            "apiId": "abc123",
            "requestId": str(uuid.uuid4()),
            "connectedAt": int(time.time() * 1000),
            "requestTimeEpoch": int(time.time() * 1000),
        },
        "isBase64Encoded": False,
    }
    if event_type == "CONNECT":
        event["queryStringParameters"] = {"token": token} if token is not None else None
        event["headers"] = {"Host": "abc123.execute-api.us-east-1.amazonaws.com", "Sec-WebSocket-Version": "13"}
    if body is not None:
        event["body"] = body
    return event


class Socket:
    """One client connection, driven through the websocket handler."""

    def __init__(self, sender: FakeSender, token: str | None) -> None:
        self.id = f"{uuid.uuid4().hex[:12]}="
        self.sender = sender
        self.token = token

    @staticmethod
    def _handler() -> Any:
        from backend.handlers import websocket

        return websocket.handler

    def connect(self) -> int:
        response = self._handler()(ws_event("$connect", self.id, token=self.token), FakeLambdaContext("websocket"))
        return int(response["statusCode"])

    def send(self, frame: dict[str, Any] | str) -> int:
        body = frame if isinstance(frame, str) else json.dumps(frame)
        try:
            action = json.loads(body).get("action") if isinstance(frame, dict) else None
        except ValueError:
            action = None
        route = action if action in {"sendMessage", "typing", "markRead", "ping", "callSignal"} else "$default"
        response = self._handler()(ws_event(route, self.id, body=body), FakeLambdaContext("websocket"))
        return int(response["statusCode"])

    def disconnect(self) -> int:
        response = self._handler()(ws_event("$disconnect", self.id), FakeLambdaContext("websocket"))
        return int(response["statusCode"])

    def received(self, event_type: str | None = None) -> list[dict[str, Any]]:
        return self.sender.of(self.id, event_type)
