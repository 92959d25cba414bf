"""Per-user limits on message sends and call starts: 429 with Retry-After over REST, an
``error`` event with ``retryAfter`` over the WebSocket; repeats of a stored send are free."""

from __future__ import annotations

import pytest
from backend.settings import get_settings

from tests.support.api import Api
from tests.support.rate_windows import within_one_window
from tests.support.realtime import FakeSender, Socket


@pytest.fixture
def limited(api: Api, monkeypatch):
    monkeypatch.setenv("SEND_RATE_PER_MINUTE", "3")
    monkeypatch.setenv("CALL_START_RATE_PER_MINUTE", "1")
    get_settings.cache_clear()
    ada, bob = api.sign_up("Ada"), api.sign_up("Bob")
    cid = api.post("/conversations", {"participantIds": [bob.user_id]}, token=ada.id_token).json["conversationId"]
    yield ada, bob, cid
    get_settings.cache_clear()


def test_send_limit_over_rest(api: Api, limited) -> None:
    ada, bob, cid = limited
    url = f"/conversations/{cid}/messages"
    within_one_window(10)
    for n in range(3):
        assert api.post(url, {"clientMessageId": f"m{n}", "content": "x"}, token=ada.id_token).status == 201
    # repeating a stored send is an idempotent answer, not a new send
    assert api.post(url, {"clientMessageId": "m0", "content": "x"}, token=ada.id_token).status == 200
    over = api.post(url, {"clientMessageId": "m3", "content": "x"}, token=ada.id_token)
    assert over.status == 429
    assert over.json["error"]["code"] == "rate_limited"
    assert 1 <= int(over.headers["Retry-After"]) <= 60
    assert len(api.get(url, token=ada.id_token).json["items"]) == 3
    # the limit is per user
    assert api.post(url, {"clientMessageId": "b0", "content": "x"}, token=bob.id_token).status == 201


def test_send_limit_over_the_websocket(api: Api, limited, sender: FakeSender) -> None:
    ada, _bob, cid = limited
    socket = Socket(sender, ada.id_token)
    socket.connect()
    within_one_window()
    for n in range(4):
        socket.send({"action": "sendMessage", "conversationId": cid, "clientMessageId": f"w{n}", "content": "x"})
    assert len(socket.received("message.ack")) == 3
    (error,) = socket.received("error")
    assert error["code"] == "rate_limited"
    assert error["action"] == "sendMessage"
    assert 1 <= error["retryAfter"] <= 60
    socket.send({"action": "ping"})
    assert socket.received("pong")


def test_call_start_limit(api: Api, limited) -> None:
    ada, _bob, cid = limited
    within_one_window()
    assert api.post("/calls", {"conversationId": cid, "media": "audio"}, token=ada.id_token).status == 201
    over = api.post("/calls", {"conversationId": cid, "media": "audio"}, token=ada.id_token)
    assert over.status == 429
    assert "Retry-After" in over.headers
