"""The platform's own WebSocket function behind the twin, with real clients: token check at
$connect, messages with multi-device fan-out, typing and read markers, a dropped client
cleaned up on 410, a reconnect catching up with ``after=``, call signalling."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from websockets.exceptions import InvalidStatus

from ops.local.twin import Twin
from tests.support.twin import Rest, User, connect, open_socket, receive_until


def _conversation(rest: Rest, owner: User, *others: User, group: bool = False) -> str:
    body: dict[str, Any] = {"participantIds": [o.user_id for o in others]}
    if group:
        body.update(isGroup=True, name="Team")
    answer = rest.post("/conversations", body, owner)
    assert answer.status_code in (200, 201), answer.text
    return str(answer.json()["conversationId"])


def test_a_connect_without_a_valid_token_is_refused(twin: Twin, rest: Rest) -> None:
    async def scenario() -> None:
        for token in (None, "not-a-jwt"):
            with pytest.raises(InvalidStatus) as refused:
                async with connect(twin.info.websocket_url, token):
                    pass
            assert refused.value.response.status_code in (401, 403)

    asyncio.run(scenario())


def test_a_message_is_acked_and_fanned_out_to_every_device_of_every_participant(twin: Twin, rest: Rest) -> None:
    ada, bob, cy = rest.sign_up("Ada"), rest.sign_up("Bob"), rest.sign_up("Cy")
    conversation_id = _conversation(rest, ada, bob, cy, group=True)

    async def scenario() -> None:
        url = twin.info.websocket_url
        async with (
            connect(url, ada.id_token) as ada_phone,
            connect(url, ada.id_token) as ada_laptop,
            connect(url, bob.id_token) as bob_phone,
            connect(url, bob.id_token) as bob_tablet,
            connect(url, cy.id_token) as cy_phone,
        ):
            await ada_phone.send(json.dumps({"action": "typing", "conversationId": conversation_id}))
            for device in (bob_phone, bob_tablet, cy_phone):
                typing = await receive_until(device, "typing")
                assert typing["userId"] == ada.user_id
            await ada_phone.send(
                json.dumps(
                    {
                        "action": "sendMessage",
                        "conversationId": conversation_id,
                        "clientMessageId": "hello-1",
                        "content": "hello all",
                    }
                )
            )
            ack = await receive_until(ada_phone, "message.ack")
            assert ack["clientMessageId"] == "hello-1"
            for device in (ada_laptop, bob_phone, bob_tablet, cy_phone):
                new = await receive_until(device, "message.new")
                assert new["message"]["messageId"] == ack["messageId"]
                assert new["message"]["content"] == "hello all"
            await bob_phone.send(
                json.dumps({"action": "markRead", "conversationId": conversation_id, "messageId": ack["messageId"]})
            )
            read = await receive_until(ada_laptop, "message.read")
            assert read["userId"] == bob.user_id
            await cy_phone.send(json.dumps({"action": "ping"}))
            assert (await receive_until(cy_phone, "pong"))["type"] == "pong"
            await cy_phone.send("{broken")
            error = await receive_until(cy_phone, "error")
            assert error["code"]
            # the connection stays open after a bad frame
            await cy_phone.send(json.dumps({"action": "ping"}))
            await receive_until(cy_phone, "pong")

    asyncio.run(scenario())
    stored = rest.get(f"/conversations/{conversation_id}/messages", bob).json()["items"]
    assert [m["content"] for m in stored] == ["hello all"]


def test_a_dropped_client_is_cleaned_up_and_a_reconnect_catches_up(twin: Twin, rest: Rest) -> None:
    ada, bob = rest.sign_up("Ada"), rest.sign_up("Bob")
    conversation_id = _conversation(rest, ada, bob)

    async def scenario() -> None:
        url = twin.info.websocket_url
        async with connect(url, ada.id_token) as ada_phone:
            bob_phone = await open_socket(url, bob.id_token)
            await ada_phone.send(
                json.dumps(
                    {
                        "action": "sendMessage",
                        "conversationId": conversation_id,
                        "clientMessageId": "m1",
                        "content": "first",
                    }
                )
            )
            first = (await receive_until(bob_phone, "message.new"))["message"]
            await receive_until(ada_phone, "message.ack")
            # Bob's phone drops without a goodbye (no close frame): the server learns of it
            # only when a post to the connection answers 410.
            bob_phone.transport.abort()
            for n in (2, 3):
                await ada_phone.send(
                    json.dumps(
                        {
                            "action": "sendMessage",
                            "conversationId": conversation_id,
                            "clientMessageId": f"m{n}",
                            "content": f"message {n}",
                        }
                    )
                )
                await receive_until(ada_phone, "message.ack")
            # Bob comes back and asks for what came after the last message he saw
            async with connect(url, bob.id_token) as bob_again:
                missed = rest.get(
                    f"/conversations/{conversation_id}/messages", bob, params={"after": first["messageId"]}
                ).json()["items"]
                assert [m["content"] for m in missed] == ["message 2", "message 3"]
                await ada_phone.send(
                    json.dumps(
                        {
                            "action": "sendMessage",
                            "conversationId": conversation_id,
                            "clientMessageId": "m4",
                            "content": "welcome back",
                        }
                    )
                )
                # delivery is at least once: message 3 may still reach the new connection first
                async with asyncio.timeout(15):
                    while True:
                        frame = await receive_until(bob_again, "message.new")
                        if frame["message"]["content"] == "welcome back":
                            break
                        assert frame["message"]["content"] in ("message 2", "message 3")

    asyncio.run(scenario())


def test_call_signalling_over_the_websocket(twin: Twin, rest: Rest) -> None:
    ada, bob = rest.sign_up("Ada"), rest.sign_up("Bob")
    conversation_id = _conversation(rest, ada, bob)

    async def scenario() -> None:
        url = twin.info.websocket_url
        async with connect(url, ada.id_token) as ada_phone, connect(url, bob.id_token) as bob_phone:
            call = rest.post("/calls", {"conversationId": conversation_id, "media": "video"}, ada)
            assert call.status_code == 201, call.text
            call_id = call.json()["callId"]
            incoming = await receive_until(bob_phone, "call.incoming")
            assert incoming["call"]["callId"] == call_id
            assert rest.post(f"/calls/{call_id}/accept", user=bob).status_code == 200
            assert (await receive_until(ada_phone, "call.accepted"))["call"]["status"] == "active"
            await ada_phone.send(
                json.dumps(
                    {"action": "callSignal", "callId": call_id, "signalType": "offer", "payload": {"sdp": "v=0"}}
                )
            )
            signal = await receive_until(bob_phone, "call.signal")
            assert signal["from"] == ada.user_id
            assert signal["signalType"] == "offer"
            assert signal["payload"] == {"sdp": "v=0"}
            assert rest.post(f"/calls/{call_id}/end", user=bob).status_code == 200
            assert (await receive_until(ada_phone, "call.ended"))["call"]["status"] == "ended"

    asyncio.run(scenario())
