"""The local API Gateway's WebSocket side, with a tiny echo function: $connect refusal,
route selection, the management API (post, get, delete, 410 for a gone connection),
failures, throttling and $disconnect."""

from __future__ import annotations

import asyncio
import json

import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus

from ops.local.provisioning import client
from ops.local.twin import Twin
from tests.integration.echo_handler import GOOD_TOKEN
from tests.support.twin import connect, receive_json


def test_a_connect_the_function_refuses_is_refused_at_the_handshake(probe_twin: Twin) -> None:
    async def scenario() -> None:
        for token in (None, "wrong"):
            with pytest.raises(InvalidStatus) as refused:
                async with connect(probe_twin.info.websocket_url, token):
                    pass
            assert refused.value.response.status_code == 401

    asyncio.run(scenario())


def test_frames_are_routed_on_their_action_and_echoed_through_the_management_api(probe_twin: Twin) -> None:
    async def scenario() -> None:
        async with connect(probe_twin.info.websocket_url, GOOD_TOKEN) as socket:
            echoed = await ask(socket, {"action": "echo", "n": 1})
            assert echoed["type"] == "echo"
            assert echoed["route"] == "echo"
            assert echoed["eventType"] == "MESSAGE"
            assert echoed["body"] == {"action": "echo", "n": 1}
            assert echoed["function"] == "chat-platform-echo"
            assert 0 < echoed["remainingMs"] <= 2000
            # An unknown action and a frame that is not JSON go to $default.
            assert (await ask(socket, {"action": "nonsense"}))["type"] == "default"
            assert await ask(socket, "not json at all") == {"type": "default", "raw": "not json at all"}

    asyncio.run(scenario())


def test_fan_out_to_several_connections_and_410_for_a_dropped_one(probe_twin: Twin) -> None:
    async def scenario() -> None:
        url = probe_twin.info.websocket_url
        async with (
            connect(url, GOOD_TOKEN) as sender,
            connect(url, GOOD_TOKEN) as phone,
            connect(url, GOOD_TOKEN) as laptop,
        ):
            ids = []
            for device in (phone, laptop):
                ids.append((await ask(device, {"action": "echo"}))["connectionId"])
            dropped = connect(url, GOOD_TOKEN)
            async with dropped as gone:
                gone_id = (await ask(gone, {"action": "echo"}))["connectionId"]
            # the client dropped: its connection is gone for the management API
            result = await _broadcast(sender, [*ids, gone_id])
            for device in (phone, laptop):
                assert (await receive_json(device))["type"] == "broadcast"
            assert result["results"] == {ids[0]: "sent", ids[1]: "sent", gone_id: "gone"}

    asyncio.run(scenario())


async def _broadcast(sender: object, targets: list[str], attempts: int = 6) -> dict[str, object]:
    """Ask the echo function to post to ``targets``; a throttled frame (an earlier test's
    invocation may still hold one of its 3 instances) is sent again, as a client would."""
    for attempt in range(attempts):
        await socket_send(sender, {"action": "broadcast", "to": targets})
        while True:
            frame = await receive_json(sender)
            if frame.get("type") == "broadcast.result":
                return frame
            if frame.get("message") == "Too Many Requests":
                break
        await asyncio.sleep(0.3 * (attempt + 1))
    raise AssertionError("the broadcast was throttled every time")


async def ask(socket: object, frame: dict[str, object] | str, attempts: int = 6) -> dict[str, object]:
    """Send ``frame`` and return the answer; a throttled frame (the echo function runs at most
    3 at once, and an earlier test's invocation may still hold an instance) is sent again."""
    text = frame if isinstance(frame, str) else json.dumps(frame)
    for attempt in range(attempts):
        await socket.send(text)  # type: ignore[attr-defined]
        answer = await receive_json(socket)
        if answer.get("message") != "Too Many Requests":
            return answer
        await asyncio.sleep(0.3 * (attempt + 1))
    raise AssertionError(f"{text[:40]} was throttled every time")


async def socket_send(socket: object, body: dict[str, object]) -> None:
    await socket.send(json.dumps(body))  # type: ignore[attr-defined]


def test_get_and_delete_a_connection_through_the_management_api(probe_twin: Twin) -> None:
    async def scenario() -> None:
        url = probe_twin.info.websocket_url
        async with connect(url, GOOD_TOKEN) as admin, connect(url, GOOD_TOKEN) as victim:
            victim_id = (await ask(victim, {"action": "echo"}))["connectionId"]
            assert (await ask(admin, {"action": "describe", "id": victim_id})) == {
                "type": "described",
                "sourceIp": "127.0.0.1",
            }
            await admin.send(json.dumps({"action": "kick", "id": victim_id}))
            with pytest.raises(ConnectionClosed):
                await asyncio.wait_for(victim.recv(), 5)

    asyncio.run(scenario())


def test_a_failing_function_sends_an_error_frame_and_the_connection_stays_open(probe_twin: Twin) -> None:
    async def scenario() -> None:
        async with connect(probe_twin.info.websocket_url, GOOD_TOKEN) as socket:
            error = await ask(socket, {"action": "boom"})
            assert error["message"] == "Internal server error"
            assert error["connectionId"] and error["requestId"]
            assert (await ask(socket, {"action": "echo"}))["type"] == "echo"

    asyncio.run(scenario())


def test_frames_beyond_the_concurrency_limit_are_throttled(probe_twin: Twin) -> None:
    async def scenario() -> None:
        async with connect(probe_twin.info.websocket_url, GOOD_TOKEN) as socket:
            # the echo function is limited to 3 concurrent invocations
            for _ in range(4):
                await socket.send(json.dumps({"action": "sleep", "seconds": 0.8}))
            frames = [await receive_json(socket) for _ in range(4)]
            # at most 3 run at once: the 4th is refused (more may be, on a loaded machine, if an
            # earlier test's invocation still holds an instance), and the refusal is answered
            throttled = sum(1 for f in frames if f.get("message") == "Too Many Requests")
            slept = sum(1 for f in frames if f.get("type") == "slept")
            assert throttled >= 1
            assert slept >= 1
            assert throttled + slept == 4

    asyncio.run(scenario())


def test_disconnect_runs_the_disconnect_route(probe_twin: Twin) -> None:
    async def scenario() -> str:
        async with connect(probe_twin.info.websocket_url, GOOD_TOKEN) as socket:
            connection_id: str = (await ask(socket, {"action": "echo"}))["connectionId"]
        return connection_id

    connection_id = asyncio.run(scenario())
    logs = client(probe_twin.info.aws_endpoint_url, "logs")
    group = probe_twin.info.log_groups["echo"]
    # $disconnect runs after the socket closed, in an instance that may start cold: on a loaded
    # machine (a fresh clone's `make test`, xdist on both cores) 4 s was once not enough
    for _ in range(150):
        probe_twin.flush()
        found = logs.filter_log_events(logGroupName=group, filterPattern=f'"{connection_id}"')["events"]
        if any("disconnected" in e["message"] for e in found):
            return
        asyncio.run(asyncio.sleep(0.1))
    raise AssertionError("no $disconnect invocation was logged")
