"""One WebSocket connection kept the way the mobile client keeps it (docs/realtime.md).

- A handshake refused with 429 (throttled) or 5xx (the ``$connect`` function failed, for
  example on a slow cold start) is tried again with jittered, growing backoff.
- A reader task parses every frame; ``message.ack`` settles the send it answers.
- A send waits for its ``message.ack`` and goes again with the same ``clientMessageId`` (so it
  is never stored twice) when API Gateway throttles a frame, when no ack comes in time, or when
  the connection drops; with ``offline_wait_s`` it first waits that long for a reconnect.

The demo's devices (``ops.demo.client``) and the load test's devices (``tests/support/load.py``)
are both built on it; what each records of the events is theirs (the ``on_*`` hooks).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import time
from typing import Any

import websockets

# API Gateway's own answer to a frame whose route it throttled (no "type": it is not ours)
THROTTLED_FRAME = "Too Many Requests"
# handshake answers the mobile client tries again: throttled, or the $connect function failed
RETRIED_HANDSHAKES = frozenset({429, 500, 502, 503, 504})


class HandshakeRefused(Exception):
    """The gateway refused the connection for good (or past every retry)."""

    def __init__(self, device: str, status: int) -> None:
        super().__init__(f"{device} was refused with HTTP {status}")
        self.status = status


class NotSent(Exception):
    """A send did not get through: the device is offline, or no ``message.ack`` came after every
    try (the client shows "not sent")."""


class MobileSocket:
    """One device's connection (a phone, a tablet). Subclasses record what they need through
    :meth:`on_event`, :meth:`on_handshake_retry`, :meth:`on_resend` and :meth:`on_unparseable`."""

    def __init__(
        self,
        device_id: str,
        *,
        connect_attempts: int = 6,
        send_attempts: int = 6,
        ack_timeout_s: tuple[float, float, float] = (3.0, 2.0, 12.0),
        offline_wait_s: float = 0.0,
    ) -> None:
        self.id = device_id
        self.socket: Any = None
        self._connect_attempts = connect_attempts
        self._send_attempts = send_attempts
        self._ack_timeout_s = ack_timeout_s  # first wait, growth per try, longest wait
        self._offline_wait_s = offline_wait_s
        self._reader: asyncio.Task[None] | None = None
        self._acks: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._throttle_notices: list[asyncio.Future[None]] = []

    @property
    def connected(self) -> bool:
        """True while the socket is open."""
        return self.socket is not None

    async def connect(self, url: str, token: str) -> None:
        """Open the connection with the user's idToken, retrying refusals the client retries."""
        for attempt in range(self._connect_attempts):
            try:
                self.socket = await websockets.connect(
                    f"{url}?token={token}", open_timeout=30, close_timeout=2, max_size=2**20
                )
                break
            except websockets.InvalidStatus as refused:
                status = refused.response.status_code
                if status not in RETRIED_HANDSHAKES or attempt == self._connect_attempts - 1:
                    raise HandshakeRefused(self.id, status) from refused
                self.on_handshake_retry(status)
                await asyncio.sleep(min(3.0, 0.1 * 2**attempt) * (1 + random.random()))  # noqa: S311 - jitter
        self._reader = asyncio.get_running_loop().create_task(self._read())

    async def close(self) -> None:
        """Close the connection (a client going away); sends waiting for an ack keep waiting."""
        socket, self.socket = self.socket, None
        if socket is not None:
            with contextlib.suppress(Exception):
                await socket.close()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader
            self._reader = None

    async def send_frame(self, frame: dict[str, Any]) -> None:
        """Send one frame as it is (no ack expected)."""
        if self.socket is None:
            raise NotSent(f"{self.id} is not connected")
        await self.socket.send(json.dumps(frame))
        self.on_frame_sent()

    async def send_until_acked(self, frame: dict[str, Any]) -> dict[str, Any]:
        """Send ``frame`` (it carries a ``clientMessageId``) until its ``message.ack`` comes;
        the ack. Any ack for that id settles it, whichever try it answers."""
        client_id = str(frame["clientMessageId"])
        loop = asyncio.get_running_loop()
        acked: asyncio.Future[dict[str, Any]] = loop.create_future()
        self._acks[client_id] = acked
        first, growth, longest = self._ack_timeout_s
        try:
            for attempt in range(self._send_attempts):
                await self._back_online()
                throttled: asyncio.Future[None] = loop.create_future()
                self._throttle_notices.append(throttled)
                try:
                    await self.send_frame(frame)
                    waiting: set[asyncio.Future[Any]] = {acked, throttled}
                    timeout = min(longest, first + growth * attempt)
                    await asyncio.wait(waiting, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
                except (websockets.ConnectionClosed, NotSent):
                    pass  # dropped meanwhile: sent again once back online
                finally:
                    if throttled in self._throttle_notices:
                        self._throttle_notices.remove(throttled)
                if acked.done():
                    return acked.result()
                if throttled.done():
                    self.on_resend("throttled")
                    await asyncio.sleep(random.uniform(0.5, 1.5) * 0.05 * 2**attempt)  # noqa: S311 - jitter
                else:
                    self.on_resend("no ack")
            raise NotSent(f"no message.ack for {client_id}")
        finally:
            self._acks.pop(client_id, None)

    async def _back_online(self) -> None:
        """Wait up to ``offline_wait_s`` for a reconnect (the client's outbox holds the send)."""
        deadline = time.perf_counter() + self._offline_wait_s
        while self.socket is None and time.perf_counter() < deadline:
            await asyncio.sleep(0.1)
        if self.socket is None:
            raise NotSent(f"{self.id} stayed offline while sending")

    async def _read(self) -> None:
        with contextlib.suppress(websockets.ConnectionClosed):
            async for frame in self.socket:
                now = time.perf_counter()
                self.on_frame_received()
                try:
                    event = json.loads(frame)
                except ValueError:
                    self.on_unparseable()
                    continue
                if not isinstance(event, dict):
                    self.on_unparseable()
                    continue
                if event.get("type") == "message.ack":
                    future = self._acks.get(str(event.get("clientMessageId")))
                    if future is not None and not future.done():
                        future.set_result(event)
                elif "type" not in event and event.get("message") == THROTTLED_FRAME:
                    # API Gateway does not say which frame it throttled: every send still
                    # waiting for its ack on this socket goes again (sends are idempotent)
                    for notice in self._throttle_notices:
                        if not notice.done():
                            notice.set_result(None)
                self.on_event(event, now)

    # What a subclass records; nothing by default.
    def on_event(self, event: dict[str, Any], received_at: float) -> None:
        """Every parsed frame, after acks and throttles have been handled."""

    def on_handshake_retry(self, status: int) -> None:
        """A refused handshake (``status``) is about to be tried again."""

    def on_resend(self, reason: str) -> None:
        """A send goes again: ``"throttled"`` or ``"no ack"``."""

    def on_unparseable(self) -> None:
        """A frame that is not a JSON object arrived."""

    def on_frame_sent(self) -> None:
        """A frame left."""

    def on_frame_received(self) -> None:
        """A frame arrived."""
