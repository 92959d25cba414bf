"""The local twin in tests: test-only functions added to the stack model, and small REST and
WebSocket clients that speak to it over real sockets."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import itertools
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import websockets
from infra import STACK
from infra.model import Function, RestRoute, Stack, WebSocketRoute

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Correct-Horse-9"

ECHO_FUNCTION = Function(
    name="echo",
    handler="tests.integration.echo_handler.handler",
    description="test: WebSocket echo",
    memory_mb=256,
    timeout_s=2,
    reserved_concurrency=3,
    environment={"POWERTOOLS_SERVICE_NAME": "echo"},
    websocket_routes=tuple(
        WebSocketRoute(key)
        for key in ("$connect", "$disconnect", "$default", "echo", "broadcast", "sleep", "boom", "describe", "kick")
    ),
)

PROBE_FUNCTION = Function(
    name="probe",
    handler="tests.integration.probe_handler.handler",
    description="test: REST probe",
    memory_mb=256,
    timeout_s=2,
    reserved_concurrency=2,
    environment={"POWERTOOLS_SERVICE_NAME": "probe", "PROBE_SETTING": "from-model"},
    rest_routes=(
        RestRoute("GET", "/probe", authorized=False),
        RestRoute("POST", "/probe/{item}", authorized=False),
        RestRoute("GET", "/probe/secure"),
    ),
)


def probe_stack() -> Stack:
    """The platform's stack with the test functions; the test echo function owns the
    WebSocket API."""
    functions = tuple(dataclasses.replace(f, websocket_routes=()) for f in STACK.functions)
    return dataclasses.replace(STACK, functions=(*functions, ECHO_FUNCTION, PROBE_FUNCTION))


@dataclass
class User:
    user_id: str
    email: str
    name: str
    id_token: str
    refresh_token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.id_token}"}


_counter = itertools.count(1)


class Rest:
    """The REST API over HTTP."""

    def __init__(self, base_url: str) -> None:
        self.client = httpx.Client(base_url=base_url, timeout=30)

    def request(self, method: str, path: str, user: User | None = None, **kw: Any) -> httpx.Response:
        headers = dict(kw.pop("headers", {}) or {})
        if user is not None:
            headers.update(user.auth)
        return self.client.request(method, path, headers=headers, **kw)

    def get(self, path: str, user: User | None = None, **kw: Any) -> httpx.Response:
        return self.request("GET", path, user, **kw)

    def post(self, path: str, body: Any = None, user: User | None = None, **kw: Any) -> httpx.Response:
        return self.request("POST", path, user, json=body, **kw)

    def sign_up(self, name: str = "Ada") -> User:
        """Register and log in a new user (the twin confirms sign-ups at once)."""
        email = f"{name.lower()}.{next(_counter)}.{id(self)}@example.com"
        registered = self.post("/auth/register", {"email": email, "password": PASSWORD, "name": name})
        assert registered.status_code == 201, registered.text
        login = self.post("/auth/login", {"email": email, "password": PASSWORD})
        assert login.status_code == 200, login.text
        tokens = login.json()
        return User(tokens["userId"], email, name, tokens["idToken"], tokens["refreshToken"])

    def close(self) -> None:
        self.client.close()


async def receive_json(socket: Any, timeout: float = 10) -> dict[str, Any]:
    """The next frame as JSON (fails the test after ``timeout`` seconds)."""
    frame = await asyncio.wait_for(socket.recv(), timeout)
    message: dict[str, Any] = json.loads(frame)
    return message


async def receive_until(socket: Any, kind: str, timeout: float = 10, key: str = "type") -> dict[str, Any]:
    """Skip frames until one whose ``key`` is ``kind``."""
    async with asyncio.timeout(timeout):
        while True:
            message = await receive_json(socket, timeout)
            if message.get(key) == kind:
                return message


async def open_socket(url: str, token: str | None, attempts: int = 8) -> Any:
    """An open WebSocket to the twin. A 429 (the function is at its concurrency limit, as API
    Gateway answers) is retried with backoff, as clients do."""
    target = url if token is None else f"{url}?token={token}"
    for attempt in range(attempts):
        try:
            return await websockets.connect(target, open_timeout=15, close_timeout=2, max_size=2**20)
        except websockets.exceptions.InvalidStatus as refused:
            if refused.response.status_code != 429 or attempt == attempts - 1:
                raise
            await asyncio.sleep(0.2 * 2**attempt)
    raise AssertionError("unreachable")  # pragma: no cover


@contextlib.asynccontextmanager
async def connect(url: str, token: str | None) -> AsyncIterator[Any]:
    """A WebSocket connection to the twin (``async with``), opened by ``open_socket``."""
    socket = await open_socket(url, token)
    async with socket:
        yield socket
