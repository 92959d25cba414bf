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
from tests.support.twin import connect, receive_json, receive_until


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
            await socket.send(json.dumps({"action": "echo", "n": 1}))
            echoed = await receive_json(socket)
            assert echoed["type"] == "echo"
            assert echoed["route"] == "echo"
            assert echoed["eventType"] == "MESSAGE"
            assert echoed["body"] == {"action": "echo", "n": 1}
            assert echoed["function"] == "chat-platform-echo"
            assert 0 < echoed["remainingMs"] <= 2000
            # An unknown action and a frame that is not JSON go to $default.
            await socket.send(json.dumps({"action": "nonsense"}))
            assert (await receive_json(socket))["type"] == "default"
            await socket.send("not json at all")
            assert await receive_json(socket) == {"type": "default", "raw": "not json at all"}

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
                await device.send(json.dumps({"action": "echo"}))
                ids.append((await receive_json(device))["connectionId"])
            dropped = connect(url, GOOD_TOKEN)
            async with dropped as gone:
                await gone.send(json.dumps({"action": "echo"}))
                gone_id = (await receive_json(gone))["connectionId"]
            # the client dropped: its connection is gone for the management API
            await socket_send(sender, {"action": "broadcast", "to": [*ids, gone_id]})
            for device in (phone, laptop):
                assert (await receive_json(device))["type"] == "broadcast"
            result = await receive_until(sender, "broadcast.result")
            assert result["results"] == {ids[0]: "sent", ids[1]: "sent", gone_id: "gone"}

    asyncio.run(scenario())


async def socket_send(socket: object, body: dict[str, object]) -> None:
    await socket.send(json.dumps(body))  # type: ignore[attr-defined]


def test_get_and_delete_a_connection_through_the_management_api(probe_twin: Twin) -> None:
    async def scenario() -> None:
        url = probe_twin.info.websocket_url
        async with connect(url, GOOD_TOKEN) as admin, connect(url, GOOD_TOKEN) as victim:
            await victim.send(json.dumps({"action": "echo"}))
            victim_id = (await receive_json(victim))["connectionId"]
            await admin.send(json.dumps({"action": "describe", "id": victim_id}))
            assert (await receive_json(admin)) == {"type": "described", "sourceIp": "127.0.0.1"}
            await admin.send(json.dumps({"action": "kick", "id": victim_id}))
            with pytest.raises(ConnectionClosed):
                await asyncio.wait_for(victim.recv(), 5)

    asyncio.run(scenario())


def test_a_failing_function_sends_an_error_frame_and_the_connection_stays_open(probe_twin: Twin) -> None:
    async def scenario() -> None:
        async with connect(probe_twin.info.websocket_url, GOOD_TOKEN) as socket:
            await socket.send(json.dumps({"action": "boom"}))
            error = await receive_json(socket)
            assert error["message"] == "Internal server error"
            assert error["connectionId"] and error["requestId"]
            await socket.send(json.dumps({"action": "echo"}))
            assert (await receive_json(socket))["type"] == "echo"

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
            await socket.send(json.dumps({"action": "echo"}))
            connection_id: str = (await receive_json(socket))["connectionId"]
        return connection_id

    connection_id = asyncio.run(scenario())
    logs = client(probe_twin.info.aws_endpoint_url, "logs")
    group = probe_twin.info.log_groups["echo"]
    for _ in range(40):
        probe_twin.flush()
        found = logs.filter_log_events(logGroupName=group, filterPattern=f'"{connection_id}"')["events"]
        if any("disconnected" in e["message"] for e in found):
            return
        asyncio.run(asyncio.sleep(0.1))
    raise AssertionError("no $disconnect invocation was logged")
