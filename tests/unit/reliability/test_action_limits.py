"""Per-user limits on every write action (Settings, per minute): over the limit is 429 with
Retry-After over REST and an ``error`` event with ``retryAfter`` over the WebSocket; a cap on
each user's open connections; a bounded list of recordings per call."""

from __future__ import annotations

import pytest
from backend.services.rate_limits import LIMITS
from backend.settings import Settings, get_settings

from tests.support.api import Api
from tests.support.rate_windows import within_one_window
from tests.support.realtime import FakeSender, Socket

ALIASES = {kind: Settings.model_fields[field].alias for kind, field in LIMITS.items()}


@pytest.fixture
def limits_of_one(api: Api, monkeypatch):
    for alias in ALIASES.values():
        monkeypatch.setenv(alias, "1")
    monkeypatch.setenv("MAX_CONNECTIONS_PER_USER", "2")
    monkeypatch.setenv("MAX_RECORDINGS_PER_CALL", "2")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _limited(reply) -> None:
    assert reply.status == 429, reply.raw
    assert reply.json["error"]["code"] == "rate_limited"
    assert 1 <= int(reply.headers["Retry-After"]) <= 60


def test_every_rest_write_action_is_limited(api: Api, limits_of_one) -> None:
    ada, bob, cy, dee = (api.sign_up(n) for n in ("Ada", "Bob", "Cy", "Dee"))
    patch = lambda: api.call("PATCH", "/me", {"name": "A"}, token=ada.id_token)  # noqa: E731
    within_one_window()
    assert patch().status == 200
    _limited(patch())

    within_one_window()
    group = api.post(
        "/conversations",
        {"participantIds": [bob.user_id, cy.user_id], "isGroup": True, "name": "G"},
        token=ada.id_token,
    )
    assert group.status == 201
    cid = group.json["conversationId"]
    _limited(api.post("/conversations", {"participantIds": [dee.user_id]}, token=ada.id_token))

    within_one_window()
    assert api.post(f"/conversations/{cid}/participants", {"userIds": [dee.user_id]}, token=ada.id_token).status == 200
    _limited(api.call("DELETE", f"/conversations/{cid}/participants/{dee.user_id}", token=ada.id_token))

    message = api.post(f"/conversations/{cid}/messages", {"clientMessageId": "m", "content": "x"}, token=bob.id_token)
    read = lambda: api.post(  # noqa: E731
        f"/conversations/{cid}/read", {"messageId": message.json["messageId"]}, token=cy.id_token
    )
    within_one_window()
    assert read().status in (200, 204)
    _limited(read())

    body = {"fileName": "a.png", "contentType": "image/png", "size": 10, "purpose": "attachment", "conversationId": cid}
    within_one_window()
    assert api.post("/uploads", body, token=bob.id_token).status == 201
    _limited(api.post("/uploads", body, token=bob.id_token))

    call_id = api.post("/calls", {"conversationId": cid, "media": "audio"}, token=cy.id_token).json["callId"]
    within_one_window()
    assert api.post(f"/calls/{call_id}/accept", token=bob.id_token).status == 200
    _limited(api.post(f"/calls/{call_id}/end", token=bob.id_token))


def test_websocket_actions_are_limited_with_retry_after(api: Api, limits_of_one, sender: FakeSender) -> None:
    ada, bob = api.sign_up("Ada"), api.sign_up("Bob")
    cid = api.post("/conversations", {"participantIds": [bob.user_id]}, token=ada.id_token).json["conversationId"]
    message_id = api.post(
        f"/conversations/{cid}/messages", {"clientMessageId": "m", "content": "x"}, token=bob.id_token
    ).json["messageId"]
    call_id = api.post("/calls", {"conversationId": cid, "media": "audio"}, token=bob.id_token).json["callId"]
    socket = Socket(sender, ada.id_token)
    assert socket.connect() == 200
    frames = [
        {"action": "typing", "conversationId": cid},
        {"action": "markRead", "conversationId": cid, "messageId": message_id},
        {"action": "callSignal", "callId": call_id, "signalType": "ice", "payload": {"candidate": "x"}},
    ]
    for frame in frames:
        within_one_window()
        socket.send(frame)
        socket.send(frame)
    errors = socket.received("error")
    assert [e["action"] for e in errors] == ["typing", "markRead", "callSignal"]
    assert all(e["code"] == "rate_limited" and 1 <= e["retryAfter"] <= 60 for e in errors)


def test_each_user_has_a_connection_cap(api: Api, limits_of_one, sender: FakeSender) -> None:
    ada, bob = api.sign_up("Ada"), api.sign_up("Bob")
    first, second, third = (Socket(sender, ada.id_token) for _ in range(3))
    assert first.connect() == 200 and second.connect() == 200
    assert third.connect() == 429
    assert Socket(sender, bob.id_token).connect() == 200
    first.disconnect()
    assert third.connect() == 200


def test_a_calls_recordings_are_bounded(api: Api, limits_of_one, monkeypatch) -> None:
    monkeypatch.setenv("UPLOAD_RATE_PER_MINUTE", "0")
    get_settings.cache_clear()
    ada, bob = api.sign_up("Ada"), api.sign_up("Bob")
    cid = api.post("/conversations", {"participantIds": [bob.user_id]}, token=ada.id_token).json["conversationId"]
    call_id = api.post("/calls", {"conversationId": cid, "media": "audio"}, token=ada.id_token).json["callId"]
    body = {"fileName": "r.webm", "contentType": "audio/webm", "size": 10, "purpose": "recording", "callId": call_id}
    assert [api.post("/uploads", body, token=ada.id_token).status for _ in range(2)] == [201, 201]
    full = api.post("/uploads", body, token=ada.id_token)
    assert full.status == 409
    assert full.json["error"]["code"] == "recordings_full"
    assert len(api.get(f"/calls/{call_id}", token=ada.id_token).json["recordings"]) == 2
