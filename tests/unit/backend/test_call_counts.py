"""Each route makes a bounded number of DynamoDB calls whatever the data size, and no Scan.

Given a small and a large data set, when the same requests run against each, then the
call counts are equal and within the documented bound (docs/data-model.md)."""

from __future__ import annotations

import pytest
from backend.store.table import dynamodb_client

from tests.support.api import Api
from tests.support.calls import counting

# route -> the most DynamoDB calls it may make (docs/data-model.md lists the same numbers);
# every authenticated route reads the caller's revocation marker first (+1, logout), and
# every write action counts against its per-user rate limit (+1, L)
R = 1
L = 1
BOUNDS = {
    "GET /me": 1 + R,
    "PATCH /me": 3 + R + L,
    "GET /users/{userId}": 1 + R,
    "POST /conversations (existing direct)": 3 + R + L,
    "POST /conversations (group)": 2 + R + L,
    "GET /conversations": 2 + R,
    "GET /conversations/{id}": 2 + R,
    "POST /conversations/{id}/participants": 4 + R + L,
    "DELETE /conversations/{id}/participants/{userId}": 3 + R + L,
    "GET /conversations/{id}/messages": 2 + R,
    # storing takes 3 (guard, sequence number with the membership check, transaction) and
    # the rate limit 1; live delivery adds one BatchGetItem for the connections of every
    # participant (up to 100 participants; groups hold at most 50)
    "POST /conversations/{id}/messages": 4 + 1 + R,
    # guard, stored message, conversation (participants), connections
    "POST /conversations/{id}/messages (duplicate)": 3 + 1 + R,
    "POST /conversations/{id}/read": 3 + R + L,
}


def _world(api: Api, size: int):
    ada, bob, cy = api.sign_up("Ada"), api.sign_up("Bob"), api.sign_up("Cy")
    extra = [api.sign_up(f"U{n}") for n in range(size)]
    direct = api.post("/conversations", {"participantIds": [bob.user_id]}, token=ada.id_token).json["conversationId"]
    group = api.post(
        "/conversations", {"participantIds": [bob.user_id, cy.user_id], "name": "G"}, token=ada.id_token
    ).json["conversationId"]
    for user in extra:
        api.post("/conversations", {"participantIds": [user.user_id]}, token=ada.id_token)
    for n in range(size * 5):
        api.post(
            f"/conversations/{direct}/messages",
            {"clientMessageId": f"w{n}", "content": "x"},
            token=ada.id_token,
        )
    return ada, bob, cy, extra, direct, group


def _measure(api: Api, size: int) -> dict[str, int]:
    ada, bob, cy, _extra, direct, group = _world(api, size)
    dee = api.sign_up("Dee")
    last = api.get(f"/conversations/{direct}/messages?limit=1", token=ada.id_token).json["items"][0]["messageId"]
    requests = {
        "GET /me": lambda: api.get("/me", token=ada.id_token),
        "PATCH /me": lambda: api.call("PATCH", "/me", {"name": "A"}, token=ada.id_token),
        "GET /users/{userId}": lambda: api.get(f"/users/{bob.user_id}", token=ada.id_token),
        "POST /conversations (existing direct)": lambda: api.post(
            "/conversations", {"participantIds": [bob.user_id]}, token=ada.id_token
        ),
        "POST /conversations (group)": lambda: api.post(
            "/conversations", {"participantIds": [bob.user_id, cy.user_id]}, token=ada.id_token
        ),
        "GET /conversations": lambda: api.get("/conversations?limit=20", token=ada.id_token),
        "GET /conversations/{id}": lambda: api.get(f"/conversations/{direct}", token=ada.id_token),
        "POST /conversations/{id}/participants": lambda: api.post(
            f"/conversations/{group}/participants", {"userIds": [dee.user_id]}, token=ada.id_token
        ),
        "DELETE /conversations/{id}/participants/{userId}": lambda: api.call(
            "DELETE", f"/conversations/{group}/participants/{dee.user_id}", token=ada.id_token
        ),
        "GET /conversations/{id}/messages": lambda: api.get(
            f"/conversations/{direct}/messages?limit=20", token=ada.id_token
        ),
        "POST /conversations/{id}/messages": lambda: api.post(
            f"/conversations/{direct}/messages",
            {"clientMessageId": "new", "content": "x"},
            token=ada.id_token,
        ),
        "POST /conversations/{id}/messages (duplicate)": lambda: api.post(
            f"/conversations/{direct}/messages",
            {"clientMessageId": "new", "content": "x"},
            token=ada.id_token,
        ),
        "POST /conversations/{id}/read": lambda: api.post(
            f"/conversations/{direct}/read", {"messageId": last}, token=bob.id_token
        ),
    }
    out = {}
    client = dynamodb_client()
    for name, request in requests.items():
        with counting(client) as counts:
            reply = request()
        assert reply.status < 300, (name, reply.raw)
        assert "Scan" not in counts, name
        out[name] = sum(counts.values())
    return out


@pytest.mark.parametrize("size", [1, 6])
def test_calls_per_route_are_bounded(api: Api, size: int) -> None:
    measured = _measure(api, size)
    over = {name: (count, BOUNDS[name]) for name, count in measured.items() if count > BOUNDS[name]}
    assert not over, over


def test_calls_do_not_grow_with_data(api: Api) -> None:
    small = _measure(api, 1)
    large = _measure(api, 6)
    assert small == large
