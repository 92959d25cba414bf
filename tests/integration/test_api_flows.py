"""Every REST flow of docs/api.md over real HTTP against the twin running the platform's own
handlers (the same code Lambda runs)."""

from __future__ import annotations

import httpx
import pytest
from infra import STACK

from tests.support.twin import PASSWORD, Rest


def _has_route(method: str, path: str) -> bool:
    return STACK.function_for_route(method, path) is not None


def test_health_register_login_me(rest: Rest) -> None:
    assert rest.get("/health").json() == {"status": "ok"}
    user = rest.sign_up("Ada")
    me = rest.get("/me", user)
    assert me.status_code == 200, me.text
    assert me.json()["userId"] == user.user_id
    assert me.json()["email"] == user.email
    patched = rest.request("PATCH", "/me", user, json={"name": "Ada L."})
    assert patched.status_code == 200, patched.text
    assert patched.json()["name"] == "Ada L."


def test_register_validation_and_duplicates(rest: Rest) -> None:
    bad = rest.post("/auth/register", {"email": "not-an-email", "password": PASSWORD, "name": "X"})
    assert bad.status_code in (400, 422)
    assert "error" in bad.json()
    user = rest.sign_up("Dup")
    again = rest.post("/auth/register", {"email": user.email, "password": PASSWORD, "name": "Dup"})
    assert again.status_code == 409
    wrong = rest.post("/auth/login", {"email": user.email, "password": "Wrong-Password-1"})
    assert wrong.status_code == 401


def test_refresh_then_logout_revokes_refresh(rest: Rest) -> None:
    user = rest.sign_up("Refresh")
    refreshed = rest.post("/auth/refresh", {"refreshToken": user.refresh_token})
    assert refreshed.status_code == 200, refreshed.text
    assert refreshed.json()["idToken"]
    assert rest.post("/auth/logout", user=user).status_code == 204
    assert rest.post("/auth/refresh", {"refreshToken": user.refresh_token}).status_code == 401


def test_public_profile_has_no_email(rest: Rest) -> None:
    ada, bob = rest.sign_up("Ada"), rest.sign_up("Bob")
    profile = rest.get(f"/users/{bob.user_id}", ada)
    assert profile.status_code == 200, profile.text
    assert profile.json()["name"] == "Bob"
    assert "email" not in profile.json() or profile.json()["email"] is None


def test_direct_conversation_is_unique_per_pair(rest: Rest) -> None:
    ada, bob = rest.sign_up("Ada"), rest.sign_up("Bob")
    created = rest.post("/conversations", {"participantIds": [bob.user_id]}, ada)
    assert created.status_code == 201, created.text
    again = rest.post("/conversations", {"participantIds": [ada.user_id]}, bob)
    assert again.status_code == 200
    assert again.json()["conversationId"] == created.json()["conversationId"]


def test_group_participants_messages_pagination_catch_up_and_read_markers(rest: Rest) -> None:
    ada, bob, cy, dee = (rest.sign_up(n) for n in ("Ada", "Bob", "Cy", "Dee"))
    group = rest.post(
        "/conversations", {"participantIds": [bob.user_id, cy.user_id], "name": "Trio", "isGroup": True}, ada
    )
    assert group.status_code == 201, group.text
    conversation_id = group.json()["conversationId"]
    base = f"/conversations/{conversation_id}"

    added = rest.post(f"{base}/participants", {"userIds": [dee.user_id]}, ada)
    assert added.status_code == 200, added.text
    assert dee.user_id in added.json()["participants"]
    left = rest.request("DELETE", f"{base}/participants/{dee.user_id}", dee)
    assert left.status_code == 204
    assert rest.get(base, dee).status_code in (403, 404)

    sent = [rest.post(f"{base}/messages", {"clientMessageId": f"m{i}", "content": f"hello {i}"}, ada) for i in range(5)]
    assert [s.status_code for s in sent] == [201] * 5
    duplicate = rest.post(f"{base}/messages", {"clientMessageId": "m0", "content": "hello 0"}, ada)
    assert duplicate.status_code == 200
    assert duplicate.json()["messageId"] == sent[0].json()["messageId"]

    first = rest.get(f"{base}/messages?limit=2", bob)
    assert first.status_code == 200, first.text
    assert len(first.json()["items"]) == 2 and first.json()["nextCursor"]
    second = rest.get(f"{base}/messages", bob, params={"limit": 2, "before": first.json()["nextCursor"]})
    assert second.status_code == 200, second.text

    # a client that saw message 1 catches up with after=
    after = rest.get(f"{base}/messages", bob, params={"after": sent[1].json()["messageId"]})
    assert [m["content"] for m in after.json()["items"]] == ["hello 2", "hello 3", "hello 4"]

    listing = rest.get("/conversations", bob).json()["items"]
    mine = next(c for c in listing if c["conversationId"] == conversation_id)
    assert mine["unreadCount"] == 5
    assert rest.post(f"{base}/read", {"messageId": sent[4].json()["messageId"]}, bob).status_code == 204
    listing = rest.get("/conversations", bob).json()["items"]
    assert next(c for c in listing if c["conversationId"] == conversation_id)["unreadCount"] == 0


def test_strangers_cannot_read_a_conversation(rest: Rest) -> None:
    ada, bob, eve = (rest.sign_up(n) for n in ("Ada", "Bob", "Eve"))
    conversation_id = rest.post("/conversations", {"participantIds": [bob.user_id]}, ada).json()["conversationId"]
    assert rest.get(f"/conversations/{conversation_id}/messages", eve).status_code in (403, 404)


@pytest.mark.skipif(not _has_route("POST", "/uploads"), reason="uploads are not in the stack model yet")
def test_presigned_upload_and_download(rest: Rest) -> None:
    ada, bob = rest.sign_up("Ada"), rest.sign_up("Bob")
    conversation_id = rest.post("/conversations", {"participantIds": [bob.user_id]}, ada).json()["conversationId"]
    upload = rest.post(
        "/uploads",
        {
            "fileName": "cat.png",
            "contentType": "image/png",
            "size": 4,
            "purpose": "attachment",
            "conversationId": conversation_id,
        },
        ada,
    )
    assert upload.status_code == 201, upload.text
    form = upload.json()
    stored = httpx.post(
        form["url"], data=form["fields"], files={"file": ("cat.png", b"\x89PNG", "image/png")}, timeout=10
    )
    assert stored.status_code in (200, 204), stored.text
    download = rest.get(f"/uploads/{form['uploadId']}", bob)
    assert download.status_code == 200, download.text
    assert httpx.get(download.json()["url"], timeout=10).content == b"\x89PNG"


@pytest.mark.skipif(not _has_route("POST", "/calls"), reason="calls are not in the stack model yet")
def test_call_lifecycle_and_history(rest: Rest) -> None:
    ada, bob = rest.sign_up("Ada"), rest.sign_up("Bob")
    conversation_id = rest.post("/conversations", {"participantIds": [bob.user_id]}, ada).json()["conversationId"]
    ice = rest.get("/calls/ice-servers", ada)
    assert ice.status_code == 200, ice.text
    assert ice.json()["iceServers"]
    call = rest.post("/calls", {"conversationId": conversation_id, "media": "video"}, ada)
    assert call.status_code == 201, call.text
    call_id = call.json()["callId"]
    assert call.json()["status"] == "ringing"
    accepted = rest.post(f"/calls/{call_id}/accept", user=bob)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "active"
    ended = rest.post(f"/calls/{call_id}/end", user=ada)
    assert ended.json()["status"] == "ended"
    assert ended.json()["durationSeconds"] is not None
    assert rest.get(f"/calls/{call_id}", bob).json()["status"] == "ended"
    history = rest.get(f"/conversations/{conversation_id}/calls", bob)
    assert [c["callId"] for c in history.json()["items"]] == [call_id]
    declined = rest.post("/calls", {"conversationId": conversation_id, "media": "audio"}, bob).json()
    assert rest.post(f"/calls/{declined['callId']}/decline", user=ada).json()["status"] == "declined"
