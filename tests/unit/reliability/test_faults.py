"""Faults of the services the backend depends on: DynamoDB throttling and transient errors
(retried with backoff, then 503 + Retry-After, never a partial write or an announcement of an
unstored message), the management API failing, the pool's keys unavailable."""

from __future__ import annotations

import pytest

from tests.support.api import Api
from tests.support.dynamo_faults import failing
from tests.support.realtime import FakeSender, Socket


@pytest.fixture
def chat(api: Api, sender: FakeSender):
    ada, bob = api.sign_up("Ada"), api.sign_up("Bob")
    cid = api.post("/conversations", {"participantIds": [bob.user_id]}, token=ada.id_token).json["conversationId"]
    bob_socket = Socket(sender, bob.id_token)
    bob_socket.connect()
    return ada, bob, cid, bob_socket


def test_a_brief_throttle_is_retried_and_succeeds(api: Api, chat) -> None:
    ada, _bob, cid, bob_socket = chat
    with failing("TransactWriteItems", "ProvisionedThroughputExceededException", 400, times=2) as attempts:
        reply = api.post(
            f"/conversations/{cid}/messages", {"clientMessageId": "t1", "content": "hi"}, token=ada.id_token
        )
    assert reply.status == 201
    assert attempts[0] == 3
    assert len(bob_socket.received("message.new")) == 1


def test_a_lasting_throttle_is_503_with_retry_after_and_nothing_half_done(api: Api, chat, capsys, caplog) -> None:
    ada, _bob, cid, bob_socket = chat
    with failing("TransactWriteItems", "ProvisionedThroughputExceededException", 400, times=100):
        reply = api.post(
            f"/conversations/{cid}/messages", {"clientMessageId": "t2", "content": "lost?"}, token=ada.id_token
        )
    assert reply.status == 503
    assert reply.json["error"]["code"] == "service_busy"
    assert reply.headers["Retry-After"] == "1"
    out = capsys.readouterr().out
    assert '"DependencyThrottles":[1.0]' in out
    assert "dependency unavailable after retries" in caplog.text
    # not stored, not announced
    assert api.get(f"/conversations/{cid}/messages", token=ada.id_token).json["items"] == []
    assert bob_socket.received("message.new") == []
    # the client's retry with the same clientMessageId goes through once the table recovers
    again = api.post(
        f"/conversations/{cid}/messages", {"clientMessageId": "t2", "content": "lost?"}, token=ada.id_token
    )
    assert again.status == 201
    assert [m["content"] for m in api.get(f"/conversations/{cid}/messages", token=ada.id_token).json["items"]] == [
        "lost?"
    ]


def test_transient_500s_become_503(api: Api, chat) -> None:
    ada, _bob, cid, _socket = chat
    with failing("GetItem", "InternalServerError", 500, times=100):
        reply = api.get(f"/conversations/{cid}", token=ada.id_token)
    assert reply.status == 503


def test_throttling_over_the_websocket_is_an_error_event(api: Api, chat, sender: FakeSender) -> None:
    ada, _bob, cid, bob_socket = chat
    socket = Socket(sender, ada.id_token)
    socket.connect()
    with failing("TransactWriteItems", "ThrottlingException", 400, times=100):
        socket.send({"action": "sendMessage", "conversationId": cid, "clientMessageId": "w", "content": "x"})
    (error,) = socket.received("error")
    assert error["code"] == "service_busy"
    assert error["retryAfter"] == 1
    assert bob_socket.received("message.new") == []


def test_management_api_failures_leave_the_message_stored(api: Api, chat, sender: FakeSender) -> None:
    ada, _bob, cid, bob_socket = chat
    sender.broken.add(bob_socket.id)
    reply = api.post(f"/conversations/{cid}/messages", {"clientMessageId": "m", "content": "x"}, token=ada.id_token)
    assert reply.status == 201
    assert len(api.get(f"/conversations/{cid}/messages", token=ada.id_token).json["items"]) == 1


def test_signing_keys_unavailable_is_503_not_401(api: Api, monkeypatch, sender: FakeSender) -> None:
    from backend.auth import tokens
    from backend.settings import get_settings

    from tests.support.moto_server import free_port

    user = api.sign_up()
    monkeypatch.setenv("JWKS_URL", f"http://127.0.0.1:{free_port()}/.well-known/jwks.json")
    monkeypatch.setattr(tokens, "_KEY_BACKOFF_S", 0.01)
    get_settings.cache_clear()
    tokens.get_verifier.cache_clear()
    try:
        rest = Api().get("/me", token=user.id_token)
        assert rest.status == 503
        assert rest.json["error"]["code"] == "auth_unavailable"
        assert Socket(sender, user.id_token).connect() == 503
    finally:
        get_settings.cache_clear()
        tokens.get_verifier.cache_clear()
