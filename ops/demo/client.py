"""Simulated users of the mobile client: REST over httpx, devices over WebSocket, and a
ledger of every message sent (who must receive it, who did, how fast)."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx
import websockets

PASSWORD = "Demo-Password-1"
# API Gateway's own answer to a frame whose route it throttled (no "type": it is not ours)
THROTTLED_FRAME = "Too Many Requests"
# a send is given up (and the demo fails) after this many frames without an ack
SEND_ATTEMPTS = 6


class DemoError(Exception):
    """A scripted step got an answer it should not have."""


@dataclass
class Sent:
    """One message: where it went, which devices had to receive it, which did."""

    message_id: str
    conversation_id: str
    sent_at: float
    expected: set[str]
    delivered: dict[str, float] = field(default_factory=dict)


class Ledger:
    """Everything the demo sent and received, for the verdict and the summary."""

    def __init__(self) -> None:
        self.sent: dict[str, Sent] = {}
        self.early: dict[str, dict[str, float]] = {}  # deliveries seen before the send returned
        self.rest_latency_ms: list[float] = []
        self.ack_latency_ms: list[float] = []
        self.requests = 0
        self.frames_sent = 0
        self.frames_received = 0
        self.errors: Counter[str] = Counter()
        self.events: Counter[str] = Counter()

    def expect(self, message_id: str, conversation_id: str, sent_at: float, devices: set[str]) -> None:
        """Record a stored message and the devices that must get ``message.new``."""
        entry = Sent(message_id, conversation_id, sent_at, set(devices))
        for device, at in self.early.pop(message_id, {}).items():
            entry.delivered[device] = at
        self.sent[message_id] = entry

    def delivered(self, message_id: str, device: str, at: float) -> None:
        """A device got ``message.new`` for ``message_id``."""
        entry = self.sent.get(message_id)
        if entry is None:
            self.early.setdefault(message_id, {})[device] = at
        else:
            entry.delivered.setdefault(device, at)

    def missing(self) -> list[tuple[str, set[str]]]:
        """Messages some expected device has not received, with those devices."""
        return [(m, e.expected - set(e.delivered)) for m, e in self.sent.items() if e.expected - set(e.delivered)]

    def delivery_latency_ms(self) -> list[float]:
        """Send-to-receive time of every expected delivery that happened."""
        return [(at - e.sent_at) * 1000 for e in self.sent.values() for d, at in e.delivered.items() if d in e.expected]

    def deliveries(self) -> tuple[int, int]:
        """(expected, done) deliveries."""
        expected = sum(len(e.expected) for e in self.sent.values())
        done = sum(len(e.expected & set(e.delivered)) for e in self.sent.values())
        return expected, done


_ids = itertools.count(1)


class Device:
    """One WebSocket connection of a user (a phone, a laptop)."""

    def __init__(self, user: User, name: str) -> None:
        self.user = user
        self.name = name
        self.id = f"{user.name}/{name}"
        self.socket: Any = None
        self._reader: asyncio.Task[None] | None = None
        self._acks: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self.inbox: dict[str, list[dict[str, Any]]] = {}
        self._waiters: list[tuple[str, Any, asyncio.Future[dict[str, Any]]]] = []
        self._throttle_notices: list[asyncio.Future[None]] = []
        self.last_message_id: str | None = None

    @property
    def connected(self) -> bool:
        """True while the socket is open."""
        return self.socket is not None

    async def connect(self, url: str, attempts: int = 6) -> None:
        """Open the connection with the user's idToken; a throttled handshake (429) is
        retried with backoff, as the mobile client does."""
        for attempt in range(attempts):
            try:
                self.socket = await websockets.connect(
                    f"{url}?token={self.user.id_token}", open_timeout=20, close_timeout=2, max_size=2**20
                )
                break
            except websockets.InvalidStatus as refused:
                status = refused.response.status_code
                if status != 429 or attempt == attempts - 1:
                    raise DemoError(f"{self.id} was refused with HTTP {status}") from refused
                self.user.ledger.events["connect throttled (retried)"] += 1
                await asyncio.sleep(0.1 * 2**attempt)
        self._reader = asyncio.get_running_loop().create_task(self._read())

    async def close(self) -> None:
        """Close the connection (a client going away)."""
        socket, self.socket = self.socket, None
        if socket is not None:
            with contextlib.suppress(Exception):
                await socket.close()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader
            self._reader = None

    async def _read(self) -> None:
        try:
            async for frame in self.socket:
                now = time.perf_counter()
                ledger = self.user.ledger
                ledger.frames_received += 1
                try:
                    event = json.loads(frame)
                except ValueError:
                    ledger.errors["unparseable frame"] += 1
                    continue
                kind = str(event.get("type") or event.get("message") or "unknown")
                ledger.events[kind] += 1
                if kind == "message.new":
                    message = event.get("message") or {}
                    ledger.delivered(str(message.get("messageId")), self.id, now)
                    self.last_message_id = max(self.last_message_id or "", str(message.get("messageId")))
                elif kind == "message.ack":
                    future = self._acks.pop(str(event.get("clientMessageId")), None)
                    if future is not None and not future.done():
                        future.set_result(event)
                elif kind == THROTTLED_FRAME:
                    # API Gateway does not say which frame it throttled: every send still
                    # waiting for its ack on this socket goes again (sends are idempotent)
                    for notice in self._throttle_notices:
                        if not notice.done():
                            notice.set_result(None)
                    self._throttle_notices.clear()
                elif kind == "error" or ("message" in event and "type" not in event):
                    ledger.errors[f"ws {event.get('code') or event.get('message')}"] += 1
                self.inbox.setdefault(kind, []).append(event)
                for waiter in list(self._waiters):
                    wanted, predicate, future = waiter
                    if wanted == kind and predicate(event) and not future.done():
                        future.set_result(event)
                        self._waiters.remove(waiter)
        except websockets.ConnectionClosed:
            pass

    async def send(self, frame: dict[str, Any]) -> None:
        """Send one frame."""
        if self.socket is None:
            raise DemoError(f"{self.id} is not connected")
        await self.socket.send(json.dumps(frame))
        self.user.ledger.frames_sent += 1

    async def send_message(self, conversation_id: str, content: str, **extra: Any) -> dict[str, Any]:
        """``sendMessage`` and wait for its ``message.ack``. Like the mobile client, send the
        same frame again when API Gateway answers "Too Many Requests" (after a short, growing
        backoff) or when no ack came in time: sends are idempotent on the client message id,
        so a retry never stores a message twice."""
        client_id = f"c{next(_ids)}-{self.user.name}"
        frame = {
            "action": "sendMessage",
            "conversationId": conversation_id,
            "clientMessageId": client_id,
            "content": content,
            **extra,
        }
        started = time.perf_counter()
        loop = asyncio.get_running_loop()
        acked: asyncio.Future[dict[str, Any]] = loop.create_future()
        self._acks[client_id] = acked  # any ack for this id settles it, whichever attempt it answers
        try:
            for attempt in range(SEND_ATTEMPTS):
                throttled: asyncio.Future[None] = loop.create_future()
                self._throttle_notices.append(throttled)
                await self.send(frame)
                either: set[asyncio.Future[Any]] = {acked, throttled}
                done, _ = await asyncio.wait(either, timeout=3 + 2 * attempt, return_when=asyncio.FIRST_COMPLETED)
                if acked in done:
                    break
                if throttled in done:
                    self.user.ledger.events["sendMessage throttled, sent again"] += 1
                    await asyncio.sleep(random.uniform(0.5, 1.5) * 0.05 * 2**attempt)  # noqa: S311 - jitter
                else:
                    self.user.ledger.events["sendMessage retried"] += 1
                if acked.done():
                    break
            else:
                raise DemoError(f"no message.ack for {client_id}")
        finally:
            self._acks.pop(client_id, None)
        ack = acked.result()
        self.user.ledger.ack_latency_ms.append((time.perf_counter() - started) * 1000)
        ack["sent_at"] = started
        return ack

    async def wait_for(self, kind: str, predicate: Any = None, timeout: float = 10) -> dict[str, Any]:
        """The next (or an already received) event of ``kind`` matching ``predicate``."""
        check = predicate or (lambda _event: True)
        for event in self.inbox.get(kind, []):
            if check(event):
                self.inbox[kind].remove(event)
                return event
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._waiters.append((kind, check, future))
        try:
            return await asyncio.wait_for(future, timeout)
        except TimeoutError as error:
            raise DemoError(f"{self.id} got no {kind} within {timeout:.0f} s") from error


@dataclass
class User:
    """A simulated person with an account, tokens and devices."""

    name: str
    email: str
    ledger: Ledger
    user_id: str = ""
    id_token: str = ""
    refresh_token: str = ""
    devices: list[Device] = field(default_factory=list)


class Api:
    """The REST API as the mobile client calls it."""

    def __init__(self, base_url: str, ledger: Ledger) -> None:
        self.http = httpx.AsyncClient(
            base_url=base_url, timeout=30, limits=httpx.Limits(max_connections=64, max_keepalive_connections=64)
        )
        self.ledger = ledger

    async def call(
        self,
        method: str,
        path: str,
        user: User | None = None,
        body: Any = None,
        expect: tuple[int, ...] = (200, 201, 204),
        **kw: Any,
    ) -> httpx.Response:
        """One request; DemoError when the status is not one of ``expect``."""
        headers = {"Authorization": f"Bearer {user.id_token}"} if user else {}
        for attempt in range(6):
            started = time.perf_counter()
            response = await self.http.request(method, path, headers=headers, json=body, **kw)
            self.ledger.rest_latency_ms.append((time.perf_counter() - started) * 1000)
            self.ledger.requests += 1
            if response.status_code != 429 or attempt == 5:
                break
            # throttled: back off and retry, as the mobile client does
            self.ledger.events["HTTP 429 (retried)"] += 1
            await asyncio.sleep(0.1 * 2**attempt)
        if response.status_code not in expect:
            self.ledger.errors[f"HTTP {response.status_code} {method} {_template(path)}"] += 1
            raise DemoError(f"{method} {path} answered {response.status_code}: {response.text[:200]}")
        return response

    async def sign_up(self, user: User) -> None:
        """Register and log in."""
        registered = await self.call(
            "POST", "/auth/register", body={"email": user.email, "password": PASSWORD, "name": user.name}, expect=(201,)
        )
        user.user_id = registered.json()["userId"]
        tokens = (await self.call("POST", "/auth/login", body={"email": user.email, "password": PASSWORD})).json()
        user.id_token, user.refresh_token = tokens["idToken"], tokens["refreshToken"]

    async def close(self) -> None:
        """Close the HTTP connections."""
        await self.http.aclose()


def _template(path: str) -> str:
    parts = path.split("?")[0].split("/")
    return "/".join("{id}" if len(p) >= 20 else p for p in parts)
