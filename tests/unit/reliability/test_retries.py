"""Dependency failures are retried a bounded number of times with jittered backoff, then
answered ``503 service_busy`` with Retry-After; a write that committed is never answered
with a 500 (the message is acknowledged as stored, its delivery problem is reported).

Covers BatchGetItem's unprocessed keys (throttled reads), TransactionConflictException on the
sequence number's UpdateItem (botocore does not retry it) and TransactionCanceledException
for conflicts on the send transaction."""

from __future__ import annotations

import pytest
from backend.store import table as table_module

from tests.support.api import Api
from tests.support.dynamo_faults import all_unprocessed, answering, conflict, transaction_conflict
from tests.support.realtime import FakeSender, Socket


@pytest.fixture
def chat(api: Api, sender: FakeSender):
    ada, bob = api.sign_up("Ada"), api.sign_up("Bob")
    cid = api.post("/conversations", {"participantIds": [bob.user_id]}, token=ada.id_token).json["conversationId"]
    bob_socket = Socket(sender, bob.id_token)
    bob_socket.connect()
    return ada, bob, cid, bob_socket


@pytest.fixture
def pauses(monkeypatch) -> list[float]:
    """The backoff pauses the store takes (recorded, and shortened to keep the test fast)."""
    taken: list[float] = []
    monkeypatch.setattr(table_module, "_pause", taken.append)
    return taken


def _stored(api: Api, user, cid: str) -> list[str]:
    return [m["content"] for m in api.get(f"/conversations/{cid}/messages", token=user.id_token).json["items"]]


def test_unprocessed_keys_a_few_times_are_retried_with_jittered_backoff(api: Api, chat, pauses) -> None:
    ada, _bob, _cid, _socket = chat
    with answering("BatchGetItem", all_unprocessed, times=3) as calls:
        reply = api.get("/conversations", token=ada.id_token)
    assert reply.status == 200
    assert calls[0] == 4
    assert len(pauses) == 3 and all(p >= 0 for p in pauses)
    assert max(pauses) <= table_module.BACKOFF_CAP_S


def test_lasting_unprocessed_keys_are_503_with_retry_after(api: Api, chat, pauses) -> None:
    ada, _bob, _cid, _socket = chat
    with answering("BatchGetItem", all_unprocessed, times=1000) as calls:
        reply = api.get("/conversations", token=ada.id_token)
    assert reply.status == 503, reply.raw
    assert reply.json["error"]["code"] == "service_busy"
    assert reply.headers["Retry-After"] == "1"
    assert calls[0] == table_module.MAX_ATTEMPTS


def test_a_send_whose_delivery_lookup_fails_is_still_201_and_stored(api: Api, chat, pauses) -> None:
    ada, bob, cid, bob_socket = chat
    with answering("BatchGetItem", all_unprocessed, times=1000):
        reply = api.post(
            f"/conversations/{cid}/messages", {"clientMessageId": "k", "content": "stored"}, token=ada.id_token
        )
    assert reply.status == 201, reply.raw
    assert _stored(api, bob, cid) == ["stored"]


def test_a_send_over_the_websocket_whose_delivery_lookup_fails_is_acked_only(api: Api, chat, sender, pauses) -> None:
    ada, bob, cid, _bob_socket = chat
    socket = Socket(sender, ada.id_token)
    socket.connect()
    socket.send({"action": "ping"})  # the connection's owner is remembered before the fault
    with answering("BatchGetItem", all_unprocessed, times=1000):
        socket.send({"action": "sendMessage", "conversationId": cid, "clientMessageId": "w", "content": "hi"})
    assert len(socket.received("message.ack")) == 1
    assert socket.received("error") == []
    assert _stored(api, bob, cid) == ["hi"]


def test_sequence_conflicts_are_retried(api: Api, chat, pauses) -> None:
    ada, bob, cid, _socket = chat
    with answering("UpdateItem", conflict, times=4):
        reply = api.post(f"/conversations/{cid}/messages", {"clientMessageId": "s", "content": "x"}, token=ada.id_token)
    assert reply.status == 201, reply.raw
    assert len(pauses) >= 4
    assert _stored(api, bob, cid) == ["x"]


def test_lasting_sequence_conflicts_are_503_and_nothing_stored(api: Api, chat, pauses) -> None:
    ada, bob, cid, _socket = chat
    with answering("UpdateItem", conflict, times=1000):
        reply = api.post(f"/conversations/{cid}/messages", {"clientMessageId": "s", "content": "x"}, token=ada.id_token)
    assert reply.status == 503, reply.raw
    assert reply.headers["Retry-After"] == "1"
    assert _stored(api, bob, cid) == []


def test_send_transaction_conflicts_are_retried(api: Api, chat, pauses) -> None:
    ada, bob, cid, _socket = chat
    with answering("TransactWriteItems", transaction_conflict, times=4):
        reply = api.post(f"/conversations/{cid}/messages", {"clientMessageId": "t", "content": "y"}, token=ada.id_token)
    assert reply.status == 201, reply.raw
    assert _stored(api, bob, cid) == ["y"]


def test_lasting_send_transaction_conflicts_are_503(api: Api, chat, pauses) -> None:
    ada, bob, cid, _socket = chat
    with answering("TransactWriteItems", transaction_conflict, times=1000):
        reply = api.post(f"/conversations/{cid}/messages", {"clientMessageId": "t", "content": "y"}, token=ada.id_token)
    assert reply.status == 503, reply.raw
    assert reply.json["error"]["code"] == "service_busy"
    assert _stored(api, bob, cid) == []
