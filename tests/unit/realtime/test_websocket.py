"""The WebSocket API: connect with a token, actions, fan-out to every device, 410 cleanup,
and an ``error`` event (connection kept) for every bad frame."""

from __future__ import annotations

import json
import time
from unittest.mock import ANY

import pytest
from backend.services import realtime
from backend.store import connections, keys
from backend.store.table import dynamodb_client, get_table

from tests.support import tokens
from tests.support.api import Api
from tests.support.calls import counting
from tests.support.realtime import FakeSender, Socket


@pytest.fixture
def pair(api: Api, sender: FakeSender):
    ada, bob = api.sign_up("Ada"), api.sign_up("Bob")
    cid = api.post("/conversations", {"participantIds": [bob.user_id]}, token=ada.id_token).json["conversationId"]
    sockets = {
        "ada_phone": Socket(sender, ada.id_token),
        "ada_tablet": Socket(sender, ada.id_token),
        "bob_phone": Socket(sender, bob.id_token),
        "bob_web": Socket(sender, bob.id_token),
    }
    for socket in sockets.values():
        assert socket.connect() == 200
    return ada, bob, cid, sockets


def test_connect_without_a_valid_token_is_refused(api: Api, sender: FakeSender) -> None:
    user = api.sign_up()
    assert Socket(sender, None).connect() == 401
    assert Socket(sender, "garbage").connect() == 401
    assert Socket(sender, tokens.forged(tokens.claims(user.user_id))).connect() == 401
    assert Socket(sender, tokens.unsigned(tokens.claims(user.user_id))).connect() == 401
    now = int(time.time())
    assert (
        Socket(sender, tokens.signed_by_pool(tokens.claims(user.user_id, exp=now - 10, iat=now - 100))).connect() == 401
    )
    assert Socket(sender, user.id_token).connect() == 200


def test_connect_stores_both_directions_with_a_ttl(api: Api, sender: FakeSender) -> None:
    user = api.sign_up()
    socket = Socket(sender, user.id_token)
    socket.connect()
    table = get_table()
    record = table.get(keys.connection(socket.id))
    assert record is not None and record["userId"] == user.user_id
    assert 2 * 3600 < record["expiresAt"] - time.time() < 2 * 3600 + 3600
    assert connections.of_user(table, user.user_id) == [socket.id]
    assert socket.disconnect() == 200
    assert table.get(keys.connection(socket.id)) is None
    assert connections.of_user(table, user.user_id) == []


def test_expired_connections_are_ignored_before_ttl_deletion(api: Api, sender: FakeSender) -> None:
    user = api.sign_up()
    socket = Socket(sender, user.id_token)
    socket.connect()
    table = get_table()
    past = int(time.time()) - 1
    table.update(keys.connection(socket.id), "SET expiresAt = :past", {":past": past})
    table.update(
        keys.user_connections(user.user_id),
        "SET #c = :past",
        {":past": past},
        names={"#c": keys.connection_attribute(socket.id)},
    )
    assert connections.of_user(table, user.user_id) == []
    assert connections.get(table, socket.id) is None


def test_pushing_to_a_user_prunes_expired_connections_and_keeps_open_ones(api: Api, sender: FakeSender) -> None:
    user = api.sign_up()
    stale, fresh = Socket(sender, user.id_token), Socket(sender, user.id_token)
    stale.connect()
    fresh.connect()
    table = get_table()
    table.update(
        keys.user_connections(user.user_id),
        "SET #c = :past",
        {":past": int(time.time()) - 1},
        names={"#c": keys.connection_attribute(stale.id)},
    )
    report = realtime.push(table, [user.user_id], {"type": "probe"})
    assert report.delivered == 1
    assert sender.of(fresh.id, "probe") and not sender.of(stale.id)
    stored = table.get(keys.user_connections(user.user_id)) or {}
    assert keys.connection_attribute(stale.id) not in stored
    assert keys.connection_attribute(fresh.id) in stored


def test_ping_pong(pair) -> None:
    *_, sockets = pair
    assert sockets["ada_phone"].send({"action": "ping"}) == 200
    assert sockets["ada_phone"].received("pong") == [{"type": "pong", "correlationId": ANY}]


def test_send_message_stores_then_acks_and_fans_out_to_every_device(api: Api, pair, sender: FakeSender) -> None:
    ada, bob, cid, s = pair
    stored_when_posted = []

    def check_stored(connection_id, event):
        if event["type"] == "message.new":
            items = api.get(f"/conversations/{cid}/messages", token=bob.id_token).json["items"]
            stored_when_posted.append(event["message"]["messageId"] in [m["messageId"] for m in items])

    sender.on_post = check_stored
    s["ada_phone"].send({"action": "sendMessage", "conversationId": cid, "clientMessageId": "c1", "content": "hi"})
    sender.on_post = None
    ack = s["ada_phone"].received("message.ack")
    assert len(ack) == 1 and ack[0]["clientMessageId"] == "c1"
    message_id = ack[0]["messageId"]
    assert s["ada_phone"].received("message.new") == []  # the sending device gets the ack only
    for name in ("ada_tablet", "bob_phone", "bob_web"):
        new = s[name].received("message.new")
        assert [e["message"]["messageId"] for e in new] == [message_id], name
        assert new[0]["message"]["content"] == "hi"
    assert stored_when_posted and all(stored_when_posted)


def test_duplicate_send_is_stored_once_and_acked_with_the_same_id(api: Api, pair) -> None:
    ada, _bob, cid, s = pair
    frame = {"action": "sendMessage", "conversationId": cid, "clientMessageId": "dup", "content": "once"}
    s["ada_phone"].send(frame)
    s["ada_phone"].send(frame)
    acks = s["ada_phone"].received("message.ack")
    assert len(acks) == 2 and acks[0]["messageId"] == acks[1]["messageId"]
    items = api.get(f"/conversations/{cid}/messages", token=ada.id_token).json["items"]
    assert [m["content"] for m in items] == ["once"]
    # at least once: the repeat is delivered again, with the same messageId for the client to drop
    assert {e["message"]["messageId"] for e in s["bob_phone"].received("message.new")} == {acks[0]["messageId"]}


def test_rest_send_is_delivered_live_too(api: Api, pair) -> None:
    ada, _bob, cid, s = pair
    reply = api.post(
        f"/conversations/{cid}/messages", {"clientMessageId": "r1", "content": "via REST"}, token=ada.id_token
    )
    assert reply.status == 201
    for name in ("ada_phone", "ada_tablet", "bob_phone", "bob_web"):
        assert [e["message"]["content"] for e in s[name].received("message.new")] == ["via REST"], name


def test_gone_connection_is_deleted_and_others_still_get_it(api: Api, pair, sender: FakeSender, capsys) -> None:
    ada, bob, cid, s = pair
    sender.gone.add(s["bob_web"].id)
    s["ada_phone"].send({"action": "sendMessage", "conversationId": cid, "clientMessageId": "g1", "content": "x"})
    assert len(s["bob_phone"].received("message.new")) == 1
    assert len(s["ada_tablet"].received("message.new")) == 1
    table = get_table()
    assert table.get(keys.connection(s["bob_web"].id)) is None
    assert s["bob_web"].id not in connections.of_user(table, bob.user_id)
    assert s["bob_phone"].id in connections.of_user(table, bob.user_id)
    assert '"StaleConnectionsRemoved":[1.0]' in capsys.readouterr().out


def test_other_delivery_failures_are_counted_not_deleted(api: Api, pair, sender: FakeSender, capsys) -> None:
    ada, bob, cid, s = pair
    sender.broken.add(s["bob_web"].id)
    s["ada_phone"].send({"action": "sendMessage", "conversationId": cid, "clientMessageId": "f1", "content": "x"})
    assert len(s["bob_phone"].received("message.new")) == 1
    assert get_table().get(keys.connection(s["bob_web"].id)) is not None
    out = capsys.readouterr().out
    # The ack to the sender (delivered) and the message (one failure of three posts).
    assert '"FanoutFailures":[0.0,1.0]' in out
    assert '"FanoutDeliveries":[1.0,2.0]' in out
    assert '"MessagesDelivered":[2.0]' in out


def test_typing_goes_to_the_others_only(pair) -> None:
    ada, _bob, cid, s = pair
    s["ada_phone"].send({"action": "typing", "conversationId": cid})
    assert s["bob_phone"].received("typing") == [
        {"type": "typing", "conversationId": cid, "userId": ada.user_id, "correlationId": ANY}
    ]
    assert s["bob_web"].received("typing")
    assert s["ada_tablet"].received("typing") == []
    assert s["ada_phone"].received() == []


def test_mark_read_is_announced_and_stored(api: Api, pair) -> None:
    ada, bob, cid, s = pair
    s["ada_phone"].send({"action": "sendMessage", "conversationId": cid, "clientMessageId": "m", "content": "x"})
    message_id = s["ada_phone"].received("message.ack")[0]["messageId"]
    s["bob_phone"].send({"action": "markRead", "conversationId": cid, "messageId": message_id})
    read = s["ada_tablet"].received("message.read")
    assert read == [
        {
            "type": "message.read",
            "conversationId": cid,
            "userId": bob.user_id,
            "messageId": message_id,
            "correlationId": ANY,
        }
    ]
    assert api.get(f"/conversations/{cid}", token=bob.id_token).json["unreadCount"] == 0


@pytest.mark.parametrize(
    ("frame", "code", "field"),
    [
        ("{not json", "malformed_frame", "body"),
        ("[1, 2]", "malformed_frame", "body"),
        ('{"content": "no action"}', "unknown_action", "action"),
        ('{"action": "dance"}', "unknown_action", "action"),
        ('{"action": 7}', "unknown_action", "action"),
        ('{"action": "sendMessage", "conversationId": "x"}', "validation_error", "clientMessageId"),
        ('{"action": "typing"}', "validation_error", "conversationId"),
        ('{"action": "callSignal", "callId": "c", "signalType": "smoke"}', "validation_error", "signalType"),
    ],
)
def test_bad_frames_get_an_error_event_and_the_connection_stays(pair, frame, code, field) -> None:
    *_, s = pair
    assert s["ada_phone"].send(frame) == 200
    errors = s["ada_phone"].received("error")
    assert len(errors) == 1
    assert errors[0]["code"] == code
    assert errors[0]["field"] == field
    s["ada_phone"].send({"action": "ping"})
    assert s["ada_phone"].received("pong")


def test_oversized_frame(pair) -> None:
    *_, s = pair
    s["ada_phone"].send(json.dumps({"action": "ping", "pad": "x" * 40_000}))
    assert s["ada_phone"].received("error")[0]["code"] == "frame_too_large"


def test_oversized_message_content(pair, monkeypatch) -> None:
    _ada, _bob, cid, s = pair
    s["ada_phone"].send(
        {"action": "sendMessage", "conversationId": cid, "clientMessageId": "big", "content": "x" * 5000}
    )
    error = s["ada_phone"].received("error")[0]
    assert (error["code"], error["field"]) == ("message_too_long", "content")


def test_strangers_cannot_write_or_type_into_a_conversation(api: Api, pair, sender: FakeSender) -> None:
    _ada, _bob, cid, s = pair
    eve = api.sign_up("Eve")
    eve_socket = Socket(sender, eve.id_token)
    eve_socket.connect()
    eve_socket.send({"action": "sendMessage", "conversationId": cid, "clientMessageId": "e", "content": "hi"})
    eve_socket.send({"action": "typing", "conversationId": cid})
    eve_socket.send({"action": "markRead", "conversationId": cid, "messageId": "01JD0000000000000000000000"})
    assert [e["code"] for e in eve_socket.received("error")] == ["conversation_not_found"] * 3
    for socket in s.values():
        assert socket.received() == []


def test_frames_after_the_first_need_no_connection_lookup_and_disconnect_forgets(pair) -> None:
    _ada, _bob, _cid, s = pair
    socket = s["ada_phone"]
    with counting(dynamodb_client()) as first:
        socket.send({"action": "ping"})
    with counting(dynamodb_client()) as later:
        socket.send({"action": "ping"})
    assert first["GetItem"] <= 1 and sum(later.values()) == 0
    assert socket.received("pong")
    assert socket.disconnect() == 200
    socket.sender.clear()
    with counting(dynamodb_client()) as after:
        assert socket.send({"action": "ping"}) == 200
    assert after["GetItem"] == 1  # looked up again, and found gone
    assert socket.received("pong") == []


def test_a_client_correlation_id_reaches_the_events_it_causes(api: Api, pair) -> None:
    # Given a conversation whose members are connected
    ada, bob, cid, s = pair
    # When Ada sends over REST naming her own correlation id
    sent = api.post(
        f"/conversations/{cid}/messages",
        {"content": "hi", "clientMessageId": "c-corr-1"},
        token=ada.id_token,
        headers={"X-Correlation-Id": "turn-42"},
    )
    assert sent.status == 201
    # Then the event Bob's device receives carries it, and his reply frame can send it back
    (event,) = s["bob_phone"].received("message.new")
    assert event["correlationId"] == "turn-42"
    assert s["bob_phone"].send({"action": "typing", "conversationId": cid, "correlationId": "turn-42"}) == 200
    assert [e["correlationId"] for e in s["ada_phone"].received("typing")] == ["turn-42"]


def test_an_unsafe_correlation_id_is_ignored(api: Api, pair) -> None:
    ada, _bob, cid, s = pair
    api.post(
        f"/conversations/{cid}/messages",
        {"content": "hi", "clientMessageId": "c-corr-2"},
        token=ada.id_token,
        headers={"X-Correlation-Id": "bad id\nwith newline"},
    )
    (event,) = s["bob_phone"].received("message.new")
    assert event["correlationId"] != "bad id\nwith newline"
