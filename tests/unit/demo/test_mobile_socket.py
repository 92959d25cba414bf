"""The mobile client's connection as the demo and the load test keep it, against a real
WebSocket server on 127.0.0.1 that refuses, throttles or stays silent on purpose."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from http import HTTPStatus
from typing import Any

import pytest
from websockets.asyncio.server import ServerConnection, serve

from ops.demo.mobile_socket import THROTTLED_FRAME, HandshakeRefused, MobileSocket, NotSent


class Recording(MobileSocket):
    def __init__(self, **options: Any) -> None:
        super().__init__("test-device", **options)
        self.retried: list[int] = []
        self.resent: list[str] = []
        self.events: list[dict[str, Any]] = []

    def on_handshake_retry(self, status: int) -> None:
        self.retried.append(status)

    def on_resend(self, reason: str) -> None:
        self.resent.append(reason)

    def on_event(self, event: dict[str, Any], received_at: float) -> None:
        self.events.append(event)


@asynccontextmanager
async def server(
    answer: Callable[[dict[str, Any], int], list[dict[str, Any]]], refusals: list[int] | None = None
) -> AsyncIterator[tuple[str, list[dict[str, Any]]]]:
    """A server that refuses the first handshakes with ``refusals``, then answers the n-th frame
    it receives with ``answer(frame, n)``; its URL and every frame it got."""
    received: list[dict[str, Any]] = []
    pending = list(refusals or [])

    def gate(connection: ServerConnection, request: Any) -> Any:
        if pending:
            return connection.respond(HTTPStatus(pending.pop(0)), "refused\n")
        return None

    async def handler(connection: ServerConnection) -> None:
        async for raw in connection:
            frame = json.loads(raw)
            received.append(frame)
            for event in answer(frame, len(received)):
                await connection.send(json.dumps(event))

    async with serve(handler, "127.0.0.1", 0, process_request=gate) as running:
        port = next(iter(running.sockets)).getsockname()[1]
        yield f"ws://127.0.0.1:{port}", received


def ack(frame: dict[str, Any]) -> dict[str, Any]:
    return {"type": "message.ack", "clientMessageId": frame["clientMessageId"], "messageId": "M1"}


FRAME = {"action": "sendMessage", "conversationId": "c1", "clientMessageId": "m1", "content": "hi"}


def test_throttled_and_failed_handshakes_are_retried_then_connect() -> None:
    async def scenario() -> Recording:
        async with server(lambda frame, n: [], refusals=[429, 502]) as (url, _):
            device = Recording()
            await device.connect(url, "token")
            assert device.connected
            await device.close()
            return device

    assert asyncio.run(scenario()).retried == [429, 502]


def test_a_refused_handshake_is_not_retried() -> None:
    async def scenario() -> None:
        async with server(lambda frame, n: [], refusals=[403]) as (url, _):
            await Recording().connect(url, "token")

    with pytest.raises(HandshakeRefused) as refused:
        asyncio.run(scenario())
    assert refused.value.status == 403


def test_a_throttled_send_goes_again_with_the_same_client_message_id() -> None:
    def answer(frame: dict[str, Any], n: int) -> list[dict[str, Any]]:
        return [{"message": THROTTLED_FRAME}] if n == 1 else [ack(frame)]

    async def scenario() -> tuple[dict[str, Any], Recording, list[dict[str, Any]]]:
        async with server(answer) as (url, received):
            device = Recording(ack_timeout_s=(5.0, 0.0, 5.0))
            await device.connect(url, "token")
            got = await device.send_until_acked(FRAME)
            await device.close()
            return got, device, received

    got, device, received = asyncio.run(scenario())
    assert got["messageId"] == "M1"
    assert device.resent == ["throttled"]
    assert [f["clientMessageId"] for f in received] == ["m1", "m1"]
    assert {"message": THROTTLED_FRAME} in device.events  # subclasses still see the gateway's answer


def test_a_send_never_acked_gives_up_after_every_try() -> None:
    async def scenario() -> tuple[Recording, list[dict[str, Any]]]:
        async with server(lambda frame, n: []) as (url, received):
            device = Recording(send_attempts=3, ack_timeout_s=(0.05, 0.0, 0.05))
            await device.connect(url, "token")
            try:
                await device.send_until_acked(FRAME)
            finally:
                await device.close()
            return device, received

    with pytest.raises(NotSent):
        asyncio.run(scenario())


def test_a_send_while_offline_waits_for_the_reconnect() -> None:
    async def scenario() -> tuple[dict[str, Any], list[dict[str, Any]]]:
        async with server(lambda frame, n: [ack(frame)]) as (url, received):
            device = Recording(offline_wait_s=5.0)
            await device.connect(url, "token")
            await device.close()  # the phone drops; the send waits in the outbox

            async def back_later() -> None:
                await asyncio.sleep(0.2)
                await device.connect(url, "token")

            reconnect = asyncio.get_running_loop().create_task(back_later())
            got = await device.send_until_acked(FRAME)
            await reconnect
            await device.close()
            return got, received

    got, received = asyncio.run(scenario())
    assert got["messageId"] == "M1" and len(received) == 1


def test_without_an_offline_wait_a_send_on_a_closed_socket_fails_at_once() -> None:
    async def scenario() -> None:
        async with server(lambda frame, n: [ack(frame)]) as (url, _):
            device = Recording()
            await device.connect(url, "token")
            await device.close()
            await device.send_until_acked(FRAME)

    with pytest.raises(NotSent, match="offline"):
        asyncio.run(scenario())
