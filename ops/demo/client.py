"""Simulated users of the mobile client: REST over httpx, devices over WebSocket, and a
ledger of every message sent (who must receive it, who did, how fast)."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx

from ops.demo.mobile_socket import THROTTLED_FRAME, HandshakeRefused, MobileSocket, NotSent

PASSWORD = "Demo-Password-1"
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


class Device(MobileSocket):
    """One WebSocket connection of a user (a phone, a laptop), recorded in the user's ledger."""

    def __init__(self, user: User, name: str) -> None:
        super().__init__(f"{user.name}/{name}", send_attempts=SEND_ATTEMPTS)
        self.user = user
        self.inbox: dict[str, list[dict[str, Any]]] = {}
        self._waiters: list[tuple[str, Any, asyncio.Future[dict[str, Any]]]] = []
        self.last_message_id: str | None = None

    async def connect(self, url: str, token: str | None = None) -> None:
        """Open the connection with the user's idToken."""
        try:
            await super().connect(url, token or self.user.id_token)
        except HandshakeRefused as refused:
            raise DemoError(str(refused)) from refused

    def on_handshake_retry(self, status: int) -> None:
        self.user.ledger.events[f"connect HTTP {status} (retried)"] += 1

    def on_frame_sent(self) -> None:
        self.user.ledger.frames_sent += 1

    def on_frame_received(self) -> None:
        self.user.ledger.frames_received += 1

    def on_unparseable(self) -> None:
        self.user.ledger.errors["unparseable frame"] += 1

    def on_resend(self, reason: str) -> None:
        self.user.ledger.events[
            "sendMessage throttled, sent again" if reason == "throttled" else "sendMessage retried"
        ] += 1

    def on_event(self, event: dict[str, Any], received_at: float) -> None:
        ledger = self.user.ledger
        kind = str(event.get("type") or event.get("message") or "unknown")
        ledger.events[kind] += 1
        if kind == "message.new":
            message = event.get("message") or {}
            ledger.delivered(str(message.get("messageId")), self.id, received_at)
            self.last_message_id = max(self.last_message_id or "", str(message.get("messageId")))
        elif kind == "error" or ("message" in event and "type" not in event and kind != THROTTLED_FRAME):
            ledger.errors[f"ws {event.get('code') or event.get('message')}"] += 1
        self.inbox.setdefault(kind, []).append(event)
        for waiter in list(self._waiters):
            wanted, predicate, future = waiter
            if wanted == kind and predicate(event) and not future.done():
                future.set_result(event)
                self._waiters.remove(waiter)

    async def send(self, frame: dict[str, Any]) -> None:
        """Send one frame."""
        try:
            await self.send_frame(frame)
        except NotSent as offline:
            raise DemoError(str(offline)) from offline

    async def send_message(self, conversation_id: str, content: str, **extra: Any) -> dict[str, Any]:
        """``sendMessage`` and wait for its ``message.ack``, sent again as the mobile client
        does (``MobileSocket.send_until_acked``)."""
        client_id = f"c{next(_ids)}-{self.user.name}"
        frame = {
            "action": "sendMessage",
            "conversationId": conversation_id,
            "clientMessageId": client_id,
            "content": content,
            **extra,
        }
        started = time.perf_counter()
        try:
            ack = await self.send_until_acked(frame)
        except NotSent as unacked:
            raise DemoError(str(unacked)) from unacked
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
