"""Every authorized route x (no token, expired, forged signature, alg none, wrong audience,
another user's valid token): 401 for every bad token, 403/404 for the other user, and no data
in any refusal. Ids are not guessable."""

from __future__ import annotations

import re
import time

import pytest
from infra import STACK

from tests.support import tokens
from tests.support.api import Api
from tests.support.realtime import FakeSender, Socket

BAD_TOKENS = ["none", "expired", "forged", "alg_none", "wrong_audience"]


def _bad_token(kind: str, user_id: str) -> str | None:
    now = int(time.time())
    if kind == "none":
        return None
    if kind == "expired":
        return tokens.signed_by_pool(tokens.claims(user_id, iat=now - 7200, exp=now - 60))
    if kind == "forged":
        return tokens.forged(tokens.claims(user_id))
    if kind == "alg_none":
        return tokens.unsigned(tokens.claims(user_id))
    return tokens.signed_by_pool(tokens.claims(user_id, aud="someone-elses-client"))


@pytest.fixture
def world(api: Api, sender: FakeSender):
    """Ada owns a conversation with Bob, a message, a call and an upload; Eve owns nothing."""
    ada, bob, eve = api.sign_up("Ada"), api.sign_up("Bob"), api.sign_up("Eve")
    cid = api.post(
        "/conversations", {"participantIds": [bob.user_id], "isGroup": True, "name": "secret plans"}, token=ada.id_token
    ).json["conversationId"]
    message = api.post(
        f"/conversations/{cid}/messages", {"clientMessageId": "m", "content": "the vault code"}, token=ada.id_token
    ).json
    call = api.post("/calls", {"conversationId": cid, "media": "video"}, token=ada.id_token).json
    upload = api.post(
        "/uploads",
        {
            "fileName": "plan.pdf",
            "contentType": "application/pdf",
            "size": 10,
            "purpose": "attachment",
            "conversationId": cid,
        },
        token=ada.id_token,
    ).json
    ids = {"conversationId": cid, "callId": call["callId"], "uploadId": upload["uploadId"], "userId": bob.user_id}
    return ada, bob, eve, ids, message


def _requests(ids: dict[str, str], message_id: str) -> list[tuple[str, str, dict | None]]:
    bodies = {
        ("PATCH", "/me"): {"name": "x"},
        ("POST", "/conversations"): {"participantIds": [ids["userId"]]},
        ("POST", "/conversations/{conversationId}/participants"): {"userIds": [ids["userId"]]},
        ("POST", "/conversations/{conversationId}/messages"): {"clientMessageId": "x", "content": "x"},
        ("POST", "/conversations/{conversationId}/read"): {"messageId": message_id},
        ("POST", "/uploads"): {
            "fileName": "a.pdf",
            "contentType": "application/pdf",
            "size": 1,
            "purpose": "attachment",
            "conversationId": ids["conversationId"],
        },
        ("POST", "/calls"): {"conversationId": ids["conversationId"], "media": "audio"},
    }
    out = []
    for route, _function in STACK.rest_routes():
        if not route.authorized:
            continue
        path = re.sub(r"\{(\w+)\}", lambda m: ids[m.group(1)], route.path)
        out.append((route.method, path, bodies.get((route.method, route.path))))
    return out


# Routes where another user's valid token legitimately succeeds on their own data.
OWN_DATA = {
    ("GET", "/me"),
    ("PATCH", "/me"),
    ("POST", "/auth/logout"),
    ("GET", "/conversations"),
    ("GET", "/calls/ice-servers"),
    ("POST", "/conversations"),
    ("GET", "/users/{userId}"),
}


@pytest.mark.parametrize("kind", BAD_TOKENS)
def test_every_authorized_route_refuses_bad_tokens(api: Api, world, kind: str) -> None:
    ada, _bob, _eve, ids, message = world
    requests = _requests(ids, message["messageId"])
    assert len(requests) == len([r for r, _ in STACK.rest_routes() if r.authorized])
    for method, path, body in requests:
        reply = api.call(method, path, body, token=_bad_token(kind, ada.user_id))
        assert reply.status == 401, (kind, method, path, reply.raw)
        assert set(reply.json) == {"error"}
        assert "vault" not in reply.raw and "secret" not in reply.raw


def test_another_users_valid_token_reaches_nothing_of_theirs(api: Api, world) -> None:
    ada, bob, eve, ids, message = world
    templates = {re.sub(r"\{(\w+)\}", lambda m: ids[m.group(1)], r.path): r.path for r, _ in STACK.rest_routes()}
    for method, path, body in _requests(ids, message["messageId"]):
        if (method, templates[path]) in OWN_DATA:
            continue
        reply = api.call(method, path, body, token=eve.id_token)
        assert reply.status in (403, 404), (method, path, reply.raw)
        for secret in ("vault", "secret plans", ids["uploadId"] + "/", message["messageId"]):
            assert secret not in (reply.raw or ""), (method, path)
    # and nothing changed for the owners
    conversation = api.get(f"/conversations/{ids['conversationId']}", token=ada.id_token).json
    assert conversation["participants"] == [ada.user_id, bob.user_id]
    messages = api.get(f"/conversations/{ids['conversationId']}/messages", token=bob.id_token).json["items"]
    assert [m["content"] for m in messages] == ["the vault code"]


def test_websocket_actions_of_a_stranger_touch_nothing(api: Api, world, sender: FakeSender) -> None:
    ada, bob, eve, ids, message = world
    watchers = [Socket(sender, ada.id_token), Socket(sender, bob.id_token)]
    for socket in watchers:
        socket.connect()
    intruder = Socket(sender, eve.id_token)
    assert intruder.connect() == 200
    frames = [
        {"action": "sendMessage", "conversationId": ids["conversationId"], "clientMessageId": "e", "content": "hi"},
        {"action": "typing", "conversationId": ids["conversationId"]},
        {"action": "markRead", "conversationId": ids["conversationId"], "messageId": message["messageId"]},
        {"action": "callSignal", "callId": ids["callId"], "signalType": "offer", "payload": {}},
    ]
    for frame in frames:
        intruder.send(frame)
    errors = intruder.received("error")
    assert [e["code"] for e in errors] == ["conversation_not_found"] * 3 + ["call_not_found"]
    assert all("vault" not in str(e) for e in errors)
    for socket in watchers:
        assert socket.received() == []


@pytest.mark.parametrize("kind", BAD_TOKENS)
def test_websocket_connect_refuses_bad_tokens(api: Api, sender: FakeSender, kind: str) -> None:
    user = api.sign_up()
    assert Socket(sender, _bad_token(kind, user.user_id)).connect() == 401


def test_ids_are_not_guessable(api: Api, world) -> None:
    ada, _bob, _eve, ids, message = world
    # ULIDs: 48 bits of time + 80 random bits; two ids made in the same millisecond differ in
    # their random part, so neither can be derived from the other.
    more = [
        api.post(
            f"/conversations/{ids['conversationId']}/messages",
            {"clientMessageId": f"g{n}", "content": "x"},
            token=ada.id_token,
        ).json["messageId"]
        for n in range(5)
    ]
    randoms = {m[10:] for m in [message["messageId"], *more]}
    assert len(randoms) == 6
    upload = api.post(
        "/uploads",
        {
            "fileName": "b.pdf",
            "contentType": "application/pdf",
            "size": 1,
            "purpose": "attachment",
            "conversationId": ids["conversationId"],
        },
        token=ada.id_token,
    ).json
    assert upload["uploadId"][10:] != ids["uploadId"][10:]
