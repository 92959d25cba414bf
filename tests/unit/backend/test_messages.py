"""Messages: idempotent send, limits, pagination both ways, read markers."""

from __future__ import annotations

import pytest
from backend.services.uploads import s3_client
from backend.settings import get_settings
from backend.store import keys
from backend.store.table import get_table

from tests.support.api import Api


@pytest.fixture
def chat(api: Api):
    ada, bob = api.sign_up("Ada"), api.sign_up("Bob")
    cid = api.post("/conversations", {"participantIds": [bob.user_id]}, token=ada.id_token).json["conversationId"]
    return ada, bob, cid


def _send(api: Api, user, cid, client_id, content="hello", **extra):
    return api.post(
        f"/conversations/{cid}/messages",
        {"clientMessageId": client_id, "content": content, **extra},
        token=user.id_token,
    )


def test_send_returns_the_stored_message(api: Api, chat) -> None:
    ada, _bob, cid = chat
    reply = _send(api, ada, cid, "c-1", "hi Bob")
    assert reply.status == 201
    message = reply.json
    assert message["content"] == "hi Bob"
    assert message["senderId"] == ada.user_id
    assert message["conversationId"] == cid
    assert message["clientMessageId"] == "c-1"
    assert message["attachments"] == []
    assert message["createdAt"].endswith("Z")
    assert len(message["messageId"]) == 26


def test_same_client_message_id_is_stored_once(api: Api, chat) -> None:
    ada, bob, cid = chat
    first = _send(api, ada, cid, "c-1", "once")
    again = _send(api, ada, cid, "c-1", "once")
    assert (first.status, again.status) == (201, 200)
    assert again.json == first.json
    # another sender may use the same client id: ids are per sender
    assert _send(api, bob, cid, "c-1", "mine").status == 201
    items = api.get(f"/conversations/{cid}/messages", token=ada.id_token).json["items"]
    assert [m["content"] for m in items] == ["mine", "once"]


def test_oversized_message_is_413_naming_content(api: Api, chat, monkeypatch) -> None:
    monkeypatch.setenv("MAX_MESSAGE_LENGTH", "10")
    from backend.settings import get_settings

    get_settings.cache_clear()
    ada, _bob, cid = chat
    reply = _send(api, ada, cid, "c-1", "x" * 11)
    get_settings.cache_clear()
    assert reply.status == 413
    assert reply.json["error"]["field"] == "content"
    assert api.get(f"/conversations/{cid}/messages", token=ada.id_token).json["items"] == []


def test_huge_body_is_413_before_parsing(api: Api, chat) -> None:
    ada, _bob, cid = chat
    reply = _send(api, ada, cid, "c-1", "x" * 300_000)
    assert reply.status == 413


def test_empty_message_is_refused(api: Api, chat) -> None:
    ada, _bob, cid = chat
    reply = _send(api, ada, cid, "c-1", "   ")
    assert reply.status == 400
    assert reply.json["error"]["field"] == "content"


@pytest.mark.parametrize("client_id", ["", "has space", "x" * 65])
def test_bad_client_message_id(api: Api, chat, client_id) -> None:
    ada, _bob, cid = chat
    reply = _send(api, ada, cid, client_id)
    assert reply.status == 422
    assert reply.json["error"]["field"] == "clientMessageId"


def test_attachment_must_belong_to_the_conversation(api: Api, chat) -> None:
    ada, _bob, cid = chat
    key = f"attachment/{cid}/01JD.png"
    s3_client().put_object(Bucket=get_settings().bucket_name, Key=key, Body=b"png", ContentType="image/png")
    ok = _send(api, ada, cid, "a-1", "", attachments=[{"key": key, "contentType": "image/png"}])
    assert ok.status == 201, ok.raw
    assert ok.json["attachments"] == [{"key": key, "contentType": "image/png", "size": 3, "fileName": "01JD.png"}]
    bad = _send(api, ada, cid, "a-2", "", attachments=[{"key": "attachment/OTHER/01JD.png"}])
    assert bad.status == 400
    assert bad.json["error"]["field"] == "attachments[0].key"


def test_send_to_unknown_conversation_is_404(api: Api, chat) -> None:
    ada, _bob, _cid = chat
    assert _send(api, ada, "01JD0000000000000000000000", "c-1").status == 404


def test_outsider_send_is_404_and_takes_no_sequence_number(api: Api, chat) -> None:
    ada, bob, cid = chat
    eve = api.sign_up("Eve")
    table = get_table()
    before = (table.get(keys.conversation(cid)) or {}).get("messageSeq", 0)
    reply = _send(api, eve, cid, "c-1", "let me in")
    assert (reply.status, reply.json["error"]["code"]) == (404, "conversation_not_found")
    assert (table.get(keys.conversation(cid)) or {}).get("messageSeq", 0) == before
    assert table.get(keys.send_guard(cid, eve.user_id, "c-1")) is None
    # the participants' unread counts stay exact: the next real message is seq + 1
    _send(api, ada, cid, "c-2", "hi")
    listed = api.get("/conversations", token=bob.id_token).json["items"]
    assert [c["unreadCount"] for c in listed if c["conversationId"] == cid] == [1]


def test_removed_member_retrying_a_send_gets_404(api: Api) -> None:
    ada, bob, cy = api.sign_up("Ada"), api.sign_up("Bob"), api.sign_up("Cy")
    cid = api.post(
        "/conversations", {"participantIds": [bob.user_id, cy.user_id], "name": "G"}, token=ada.id_token
    ).json["conversationId"]
    assert _send(api, cy, cid, "c-1", "bye soon").status == 201
    assert api.call("DELETE", f"/conversations/{cid}/participants/{cy.user_id}", token=ada.id_token).status == 204
    assert _send(api, cy, cid, "c-1", "bye soon").status == 404


def test_pagination_before_and_after(api: Api, chat) -> None:
    ada, bob, cid = chat
    sent = [_send(api, ada if n % 2 else bob, cid, f"c{n}", f"m{n}").json["messageId"] for n in range(7)]
    url = f"/conversations/{cid}/messages"
    newest = api.get(f"{url}?limit=3", token=ada.id_token).json
    assert [m["messageId"] for m in newest["items"]] == sent[6:3:-1]
    assert newest["nextCursor"] == sent[4]
    older = api.get(f"{url}?limit=3&before={newest['nextCursor']}", token=ada.id_token).json
    assert [m["messageId"] for m in older["items"]] == sent[3:0:-1]
    oldest = api.get(f"{url}?limit=3&before={older['nextCursor']}", token=ada.id_token).json
    assert [m["messageId"] for m in oldest["items"]] == [sent[0]]
    assert oldest["nextCursor"] is None
    # catch-up after a reconnect: what came after message 2, oldest first
    later = api.get(f"{url}?limit=3&after={sent[2]}", token=bob.id_token).json
    assert [m["messageId"] for m in later["items"]] == sent[3:6]
    assert later["nextCursor"] == sent[5]
    rest = api.get(f"{url}?limit=3&after={later['nextCursor']}", token=bob.id_token).json
    assert [m["messageId"] for m in rest["items"]] == [sent[6]]
    assert rest["nextCursor"] is None
    # exactly a page: no phantom next page
    exact = api.get(f"{url}?limit=4&after={sent[2]}", token=bob.id_token).json
    assert len(exact["items"]) == 4
    assert exact["nextCursor"] is None
    # after the newest: nothing
    assert api.get(f"{url}?after={sent[6]}", token=bob.id_token).json == {"items": [], "nextCursor": None}


def test_pagination_of_an_empty_conversation(api: Api, chat) -> None:
    ada, _bob, cid = chat
    assert api.get(f"/conversations/{cid}/messages", token=ada.id_token).json == {
        "items": [],
        "nextCursor": None,
    }


@pytest.mark.parametrize(
    "query",
    ["before=nope", "after=nope", "before=01JD0000000000000000000000&after=01JD0000000000000000000000"],
)
def test_bad_message_cursors(api: Api, chat, query) -> None:
    ada, _bob, cid = chat
    reply = api.get(f"/conversations/{cid}/messages?{query}", token=ada.id_token)
    assert reply.status == 400
    assert reply.json["error"]["field"] in ("before", "after")


def test_read_marker_clears_unread_and_never_goes_back(api: Api, chat) -> None:
    ada, bob, cid = chat
    ids = [_send(api, ada, cid, f"c{n}", f"m{n}").json["messageId"] for n in range(3)]
    unread = lambda: api.get(f"/conversations/{cid}", token=bob.id_token).json["unreadCount"]  # noqa: E731
    assert unread() == 3
    assert api.post(f"/conversations/{cid}/read", {"messageId": ids[1]}, token=bob.id_token).status == 204
    assert unread() == 1
    # marking an older message read again does not move the marker back
    assert api.post(f"/conversations/{cid}/read", {"messageId": ids[0]}, token=bob.id_token).status == 204
    assert unread() == 1
    api.post(f"/conversations/{cid}/read", {"messageId": ids[2]}, token=bob.id_token)
    assert unread() == 0


def test_read_marker_on_unknown_message(api: Api, chat) -> None:
    _ada, bob, cid = chat
    reply = api.post(f"/conversations/{cid}/read", {"messageId": "01JD0000000000000000000000"}, token=bob.id_token)
    assert reply.status == 404
    reply = api.post(f"/conversations/{cid}/read", {"messageId": "x"}, token=bob.id_token)
    assert reply.status == 400
