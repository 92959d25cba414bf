"""Conversations: direct ones unique per pair (also under concurrency), groups, listing by
activity with unread counts, and no access for outsiders."""

from __future__ import annotations

import threading

import pytest
from backend.services import conversations as conversation_service
from backend.store import conversations as conversation_store
from backend.store import table as table_module

from tests.support.api import Api


def _create(api: Api, user, others, **extra):
    return api.post("/conversations", {"participantIds": [o.user_id for o in others], **extra}, token=user.id_token)


def test_direct_conversation_is_created_once_per_pair(api: Api) -> None:
    ada, bob = api.sign_up("Ada"), api.sign_up("Bob")
    first = _create(api, ada, [bob])
    assert first.status == 201
    assert first.json["isGroup"] is False
    assert sorted(first.json["participants"]) == sorted([ada.user_id, bob.user_id])
    again = _create(api, bob, [ada])
    assert again.status == 200
    assert again.json["conversationId"] == first.json["conversationId"]


def test_concurrent_creation_of_the_same_direct_conversation(api: Api, monkeypatch) -> None:
    """Both requests pass the existence check before either writes; the conditional write on
    the pair guard lets exactly one create, and the other answers with that conversation."""
    ada, bob = api.sign_up("Ada"), api.sign_up("Bob")
    barrier = threading.Barrier(2, timeout=10)
    real_lookup = conversation_store.direct_conversation_id
    calls = {"n": 0}

    def racing_lookup(table, a, b):
        calls["n"] += 1
        if calls["n"] <= 2:  # the two first checks both see "no conversation yet"
            barrier.wait()
            return None
        return real_lookup(table, a, b)

    monkeypatch.setattr(conversation_store, "direct_conversation_id", racing_lookup)
    # DynamoDB runs transactions serializably; in-process moto does not (two threads can both
    # pass a condition before either writes), so its transactions are serialized here.
    serial = threading.Lock()
    real_transact = table_module.Table.transact_write

    def serialized(self, actions):
        with serial:
            return real_transact(self, actions)

    monkeypatch.setattr(table_module.Table, "transact_write", serialized)
    replies = []

    def create(user, other):
        replies.append(_create(api, user, [other]))

    threads = [
        threading.Thread(target=create, args=(ada, bob)),
        threading.Thread(target=create, args=(bob, ada)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(r.status for r in replies) == [200, 201], [r.raw for r in replies]
    assert len({r.json["conversationId"] for r in replies}) == 1
    assert len(api.get("/conversations", token=ada.id_token).json["items"]) == 1


def test_group_conversation(api: Api) -> None:
    ada, bob, cy = api.sign_up("Ada"), api.sign_up("Bob"), api.sign_up("Cy")
    reply = _create(api, ada, [bob, cy], name="Team")
    assert reply.status == 201
    assert reply.json["isGroup"] is True
    assert reply.json["name"] == "Team"
    # a second group with the same people is a new conversation
    assert _create(api, ada, [bob, cy], name="Team").json["conversationId"] != reply.json["conversationId"]


def test_a_two_person_group_is_not_the_direct_conversation(api: Api) -> None:
    ada, bob = api.sign_up("Ada"), api.sign_up("Bob")
    direct = _create(api, ada, [bob]).json
    group = _create(api, ada, [bob], isGroup=True).json
    assert group["isGroup"] is True
    assert group["conversationId"] != direct["conversationId"]


@pytest.mark.parametrize(
    ("participants", "extra", "field"),
    [
        ([], {}, "participantIds"),
        (["self"], {}, "participantIds"),
        (["ghost"], {}, "participantIds"),
        (["bob", "cy"], {"isGroup": False}, "participantIds"),
    ],
)
def test_bad_participants_are_refused(api: Api, participants, extra, field) -> None:
    ada, bob, cy = api.sign_up("Ada"), api.sign_up("Bob"), api.sign_up("Cy")
    ids = {"self": ada.user_id, "bob": bob.user_id, "cy": cy.user_id, "ghost": "0000-ghost"}
    reply = api.post("/conversations", {"participantIds": [ids[p] for p in participants], **extra}, token=ada.id_token)
    assert reply.status in (400, 422), reply.raw
    assert reply.json["error"]["field"] == field


def test_outsiders_get_404_and_no_data(api: Api) -> None:
    ada, bob, eve = api.sign_up("Ada"), api.sign_up("Bob"), api.sign_up("Eve")
    conversation = _create(api, ada, [bob]).json
    api.post(
        f"/conversations/{conversation['conversationId']}/messages",
        {"clientMessageId": "m1", "content": "secret plans"},
        token=ada.id_token,
    )
    cid = conversation["conversationId"]
    for method, url, body in [
        ("GET", f"/conversations/{cid}", None),
        ("GET", f"/conversations/{cid}/messages", None),
        ("POST", f"/conversations/{cid}/messages", {"clientMessageId": "x", "content": "hi"}),
        ("POST", f"/conversations/{cid}/read", {"messageId": "01JD0000000000000000000000"}),
        ("POST", f"/conversations/{cid}/participants", {"userIds": [eve.user_id]}),
        ("DELETE", f"/conversations/{cid}/participants/{ada.user_id}", None),
    ]:
        reply = api.call(method, url, body, token=eve.id_token)
        assert reply.status == 404, (method, url, reply.raw)
        assert "secret" not in (reply.raw or "")
        assert ada.user_id not in (reply.raw or "")
    # and Eve's list does not show it
    assert api.get("/conversations", token=eve.id_token).json["items"] == []
    # nothing was written by the refused calls
    messages = api.get(f"/conversations/{cid}/messages", token=ada.id_token).json["items"]
    assert [m["content"] for m in messages] == ["secret plans"]


def test_list_is_newest_activity_first_with_unread_counts(api: Api) -> None:
    ada, bob, cy = api.sign_up("Ada"), api.sign_up("Bob"), api.sign_up("Cy")
    with_bob = _create(api, ada, [bob]).json["conversationId"]
    with_cy = _create(api, ada, [cy]).json["conversationId"]
    for n in range(3):
        api.post(
            f"/conversations/{with_bob}/messages",
            {"clientMessageId": f"b{n}", "content": f"hi {n}"},
            token=bob.id_token,
        )
    listed = api.get("/conversations", token=ada.id_token).json["items"]
    assert [c["conversationId"] for c in listed] == [with_bob, with_cy]
    assert listed[0]["unreadCount"] == 3
    assert listed[0]["lastMessage"]["content"] == "hi 2"
    assert listed[1]["unreadCount"] == 0
    # the sender has read their own messages
    assert api.get("/conversations", token=bob.id_token).json["items"][0]["unreadCount"] == 0
    # Cy writes: that conversation moves to the top
    api.post(f"/conversations/{with_cy}/messages", {"clientMessageId": "c1", "content": "yo"}, token=cy.id_token)
    listed = api.get("/conversations", token=ada.id_token).json["items"]
    assert [c["conversationId"] for c in listed] == [with_cy, with_bob]


def test_list_pagination_walks_every_conversation_once(api: Api) -> None:
    ada = api.sign_up("Ada")
    others = [api.sign_up(f"U{n}") for n in range(5)]
    created = [_create(api, ada, [o]).json["conversationId"] for o in others]
    seen: list[str] = []
    cursor = None
    for _ in range(10):
        url = "/conversations?limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = api.get(url, token=ada.id_token).json
        seen += [c["conversationId"] for c in page["items"]]
        cursor = page["nextCursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(created)
    assert len(seen) == len(set(seen))
    assert seen == list(reversed(created))


@pytest.mark.parametrize("cursor", ["%%%", "bm90LWpzb24", "eyJQSyI6MX0"])
def test_bad_cursor_is_400(api: Api, cursor) -> None:
    ada = api.sign_up()
    reply = api.get(f"/conversations?cursor={cursor}", token=ada.id_token)
    assert reply.status == 400, reply.raw
    assert reply.json["error"]["field"] == "cursor"


def test_someone_elses_cursor_is_refused(api: Api) -> None:
    ada, bob, cy = api.sign_up("Ada"), api.sign_up("Bob"), api.sign_up("Cy")
    _create(api, ada, [bob])
    _create(api, ada, [cy])
    cursor = api.get("/conversations?limit=1", token=ada.id_token).json["nextCursor"]
    assert cursor
    reply = api.get(f"/conversations?cursor={cursor}", token=bob.id_token)
    assert reply.status == 400


@pytest.mark.parametrize("limit", ["0", "101", "-1", "ten"])
def test_bad_limit_is_refused(api: Api, limit) -> None:
    ada = api.sign_up()
    reply = api.get(f"/conversations?limit={limit}", token=ada.id_token)
    assert reply.status == 422
    assert reply.json["error"]["field"] == "limit"


def test_group_participants_added_and_removed(api: Api) -> None:
    ada, bob, cy, dee = (api.sign_up(n) for n in ("Ada", "Bob", "Cy", "Dee"))
    cid = _create(api, ada, [bob, cy], name="Team").json["conversationId"]
    added = api.post(f"/conversations/{cid}/participants", {"userIds": [dee.user_id]}, token=bob.id_token)
    assert added.status == 200
    assert dee.user_id in added.json["participants"]
    assert api.get(f"/conversations/{cid}", token=dee.id_token).status == 200
    # Dee leaves
    assert api.call("DELETE", f"/conversations/{cid}/participants/{dee.user_id}", token=dee.id_token).status == 204
    assert api.get(f"/conversations/{cid}", token=dee.id_token).status == 404
    # Ada removes Cy
    assert api.call("DELETE", f"/conversations/{cid}/participants/{cy.user_id}", token=ada.id_token).status == 204
    assert api.get(f"/conversations/{cid}", token=ada.id_token).json["participants"] == [
        ada.user_id,
        bob.user_id,
    ]
    # removing someone who is not there
    assert api.call("DELETE", f"/conversations/{cid}/participants/{cy.user_id}", token=ada.id_token).status == 404


def test_direct_conversations_have_fixed_participants(api: Api) -> None:
    ada, bob, cy = api.sign_up("Ada"), api.sign_up("Bob"), api.sign_up("Cy")
    cid = _create(api, ada, [bob]).json["conversationId"]
    reply = api.post(f"/conversations/{cid}/participants", {"userIds": [cy.user_id]}, token=ada.id_token)
    assert reply.status == 400
    assert reply.json["error"]["code"] == "not_a_group"
    reply = api.call("DELETE", f"/conversations/{cid}/participants/{bob.user_id}", token=ada.id_token)
    assert reply.status == 400


def test_group_size_limit(api: Api, monkeypatch) -> None:
    monkeypatch.setenv("MAX_GROUP_SIZE", "3")
    from backend.settings import get_settings

    get_settings.cache_clear()
    ada, bob, cy, dee = (api.sign_up(n) for n in ("Ada", "Bob", "Cy", "Dee"))
    cid = _create(api, ada, [bob, cy]).json["conversationId"]
    reply = api.post(f"/conversations/{cid}/participants", {"userIds": [dee.user_id]}, token=ada.id_token)
    assert reply.status == 400
    assert reply.json["error"]["field"] == "userIds"
    get_settings.cache_clear()


def test_cursor_round_trip() -> None:
    key = {"PK": "CONV#1", "SK": "PARTICIPANT#u", "GSI1PK": "USER#u", "GSI1SK": "2026#1"}
    cursor = conversation_service.encode_cursor(key)
    assert cursor is not None
    assert conversation_service.decode_cursor(cursor, set(key)) == key
