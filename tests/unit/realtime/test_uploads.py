"""Presigned uploads: the policy itself enforces size, type and key (moto's S3 does not check
it, so the policy is what is asserted); downloads only for those who may see the file."""

from __future__ import annotations

import base64
import json

import pytest
from backend.services.uploads import s3_client
from backend.settings import get_settings

from tests.support.api import Api


@pytest.fixture
def chat(api: Api):
    ada, bob, eve = api.sign_up("Ada"), api.sign_up("Bob"), api.sign_up("Eve")
    cid = api.post("/conversations", {"participantIds": [bob.user_id]}, token=ada.id_token).json["conversationId"]
    return ada, bob, eve, cid


def _policy(fields: dict) -> dict:
    return json.loads(base64.b64decode(fields["policy"]))


def test_attachment_upload_policy_enforces_size_type_and_key(api: Api, chat) -> None:
    ada, _bob, _eve, cid = chat
    reply = api.post(
        "/uploads",
        {
            "fileName": "cat photo.png",
            "contentType": "image/png",
            "size": 1234,
            "purpose": "attachment",
            "conversationId": cid,
        },
        token=ada.id_token,
    )
    assert reply.status == 201, reply.raw
    body = reply.json
    assert body["key"] == f"attachment/{cid}/{ada.user_id}/{body['uploadId']}/cat_photo.png"
    assert body["expiresIn"] == 900
    conditions = _policy(body["fields"])["conditions"]
    assert ["content-length-range", 1, 1234] in conditions
    assert ["eq", "$Content-Type", "image/png"] in conditions
    assert ["eq", "$key", body["key"]] in conditions
    assert body["fields"]["Content-Type"] == "image/png"
    assert body["fields"]["key"] == body["key"]
    # once the file is there, its key is accepted as a message attachment of that conversation
    s3_client().put_object(Bucket=get_settings().bucket_name, Key=body["key"], Body=b"png", ContentType="image/png")
    sent = api.post(
        f"/conversations/{cid}/messages",
        {"clientMessageId": "a", "content": "", "attachments": [{"key": body["key"]}]},
        token=ada.id_token,
    )
    assert sent.status == 201


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"contentType": "application/x-msdownload"}, 400, "contentType"),
        ({"size": 26 * 1024 * 1024}, 413, "size"),
        ({"size": 0}, 422, "size"),
        ({"purpose": "malware"}, 422, "purpose"),
        ({"conversationId": None}, 400, "conversationId"),
    ],
)
def test_bad_upload_requests(api: Api, chat, body, status, field) -> None:
    ada, _bob, _eve, cid = chat
    request = {
        "fileName": "a.png",
        "contentType": "image/png",
        "size": 10,
        "purpose": "attachment",
        "conversationId": cid,
        **body,
    }
    reply = api.post("/uploads", {k: v for k, v in request.items() if v is not None}, token=ada.id_token)
    assert reply.status == status, reply.raw
    assert reply.json["error"]["field"] == field


def test_strangers_cannot_upload_into_or_read_from_a_conversation(api: Api, chat) -> None:
    ada, bob, eve, cid = chat
    denied = api.post(
        "/uploads",
        {"fileName": "a.png", "contentType": "image/png", "size": 10, "purpose": "attachment", "conversationId": cid},
        token=eve.id_token,
    )
    assert denied.status == 404
    upload = api.post(
        "/uploads",
        {"fileName": "a.png", "contentType": "image/png", "size": 10, "purpose": "attachment", "conversationId": cid},
        token=ada.id_token,
    ).json
    assert api.get(f"/uploads/{upload['uploadId']}", token=bob.id_token).status == 200
    refused = api.get(f"/uploads/{upload['uploadId']}", token=eve.id_token)
    assert refused.status == 404 and upload["key"] not in refused.raw


def test_download_url_is_presigned_for_the_key(api: Api, chat) -> None:
    ada, bob, _eve, cid = chat
    upload = api.post(
        "/uploads",
        {
            "fileName": "a.pdf",
            "contentType": "application/pdf",
            "size": 10,
            "purpose": "attachment",
            "conversationId": cid,
        },
        token=ada.id_token,
    ).json
    url = api.get(f"/uploads/{upload['uploadId']}", token=bob.id_token).json["url"]
    assert upload["key"] in url and "X-Amz-Signature=" in url and "X-Amz-Expires=300" in url


def test_avatar_upload_is_visible_to_any_signed_in_user(api: Api, chat) -> None:
    ada, _bob, eve, _cid = chat
    upload = api.post(
        "/uploads",
        {"fileName": "me.jpg", "contentType": "image/jpeg", "size": 100, "purpose": "avatar"},
        token=ada.id_token,
    ).json
    assert upload["key"].startswith(f"avatar/{ada.user_id}/")
    assert api.call("PATCH", "/me", {"avatarKey": upload["key"]}, token=ada.id_token).status == 200
    assert api.get(f"/uploads/{upload['uploadId']}", token=eve.id_token).status == 200
    gif = api.post(
        "/uploads",
        {"fileName": "me.gif", "contentType": "image/gif", "size": 100, "purpose": "avatar"},
        token=ada.id_token,
    )
    assert gif.status == 400


def test_recording_is_linked_to_its_call_and_private_to_its_participants(api: Api, chat) -> None:
    ada, bob, eve, cid = chat
    call_id = api.post("/calls", {"conversationId": cid, "media": "video"}, token=ada.id_token).json["callId"]
    request = {
        "fileName": "call.webm",
        "contentType": "video/webm",
        "size": 10_000_000,
        "purpose": "recording",
        "callId": call_id,
    }
    assert api.post("/uploads", request, token=eve.id_token).status == 404
    upload = api.post("/uploads", request, token=ada.id_token).json
    assert upload["key"].startswith(f"recording/{call_id}/{ada.user_id}/")
    assert api.get(f"/calls/{call_id}", token=bob.id_token).json["recordings"] == [upload["uploadId"]]
    assert api.get(f"/uploads/{upload['uploadId']}", token=bob.id_token).status == 200
    assert api.get(f"/uploads/{upload['uploadId']}", token=eve.id_token).status == 404


def test_unknown_upload(api: Api, chat) -> None:
    ada, *_ = chat
    assert api.get("/uploads/01JD0000000000000000000000", token=ada.id_token).status == 404
    assert api.get("/uploads/nope", token=ada.id_token).status == 404
