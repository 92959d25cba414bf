"""What the client says is not taken as truth: display names cannot carry control or
bidirectional-override characters, and a message's attachment must be an object that exists
in the bucket, its type and size read from the object, not from the client."""

from __future__ import annotations

import pytest
from backend.services.uploads import s3_client
from backend.settings import get_settings

from tests.support.api import Api

BAD_NAMES = ["Ada\u202egnp.exe", "Ada\u2066x\u2069", "Ada\x00", "Ada\nBob", "Ada\u200f", "Ada\x1b[31m"]


@pytest.mark.parametrize("name", BAD_NAMES)
def test_display_names_refuse_control_and_bidi_characters(api: Api, name: str) -> None:
    ada = api.sign_up("Ada")
    patched = api.call("PATCH", "/me", {"name": name}, token=ada.id_token)
    assert patched.status == 422, patched.raw
    assert patched.json["error"]["field"] == "name"
    registered = api.post("/auth/register", {"email": "eve@example.com", "password": "Correct-Horse-9", "name": name})
    assert registered.status == 422
    group = api.post(
        "/conversations", {"participantIds": [ada.user_id], "isGroup": True, "name": name}, token=ada.id_token
    )
    assert group.status == 422


def test_ordinary_names_in_any_script_and_emoji_are_fine(api: Api) -> None:
    ada = api.sign_up("Ada")
    for name in ("Zoë O'Brien", "李小龙", "محمد", "👨\u200d👩\u200d👧 family"):
        assert api.call("PATCH", "/me", {"name": name}, token=ada.id_token).status == 200, name


@pytest.fixture
def chat(api: Api):
    ada, bob = api.sign_up("Ada"), api.sign_up("Bob")
    cid = api.post("/conversations", {"participantIds": [bob.user_id]}, token=ada.id_token).json["conversationId"]
    return ada, bob, cid


def test_an_attachment_key_that_was_never_uploaded_is_refused(api: Api, chat) -> None:
    ada, _bob, cid = chat
    attachment = {"key": f"attachment/{cid}/{ada.user_id}/01J0000000000000000000000/x.png"}
    reply = api.post(
        f"/conversations/{cid}/messages", {"clientMessageId": "a", "attachments": [attachment]}, token=ada.id_token
    )
    assert reply.status == 400, reply.raw
    assert reply.json["error"]["code"] == "attachment_not_found"
    assert reply.json["error"]["field"] == "attachments[0].key"


def test_attachment_type_and_size_come_from_the_stored_object(api: Api, chat) -> None:
    ada, bob, cid = chat
    upload = api.post(
        "/uploads",
        {
            "fileName": "cat.png",
            "contentType": "image/png",
            "size": 1000,
            "purpose": "attachment",
            "conversationId": cid,
        },
        token=ada.id_token,
    ).json
    s3_client().put_object(
        Bucket=get_settings().bucket_name, Key=upload["key"], Body=b"\x89PNG" + b"0" * 96, ContentType="image/png"
    )
    claimed = {"key": upload["key"], "contentType": "application/pdf", "size": 10**9, "fileName": "invoice.pdf"}
    reply = api.post(
        f"/conversations/{cid}/messages", {"clientMessageId": "b", "attachments": [claimed]}, token=ada.id_token
    )
    assert reply.status == 201, reply.raw
    (stored,) = api.get(f"/conversations/{cid}/messages", token=bob.id_token).json["items"][0]["attachments"]
    assert (stored["contentType"], stored["size"], stored["fileName"]) == ("image/png", 100, "cat.png")
