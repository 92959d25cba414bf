"""Every number a client sends is bounded by the contract: a huge one is a 4xx naming the
field over REST and an ``error`` event over the WebSocket, never a 500 or a function error
(DynamoDB numbers hold 38 digits; 10**40 used to overflow the serializer)."""

from __future__ import annotations

import pytest

from ops.openapi import openapi_dict
from tests.support.api import Api
from tests.support.realtime import FakeSender, Socket

HUGE = 10**40


@pytest.fixture
def chat(api: Api):
    ada, bob = api.sign_up("Ada"), api.sign_up("Bob")
    cid = api.post("/conversations", {"participantIds": [bob.user_id]}, token=ada.id_token).json["conversationId"]
    return ada, cid


def test_a_huge_attachment_size_over_rest_is_422(api: Api, chat) -> None:
    ada, cid = chat
    attachment = {"key": f"attachment/{cid}/x/y/z.png", "contentType": "image/png", "size": HUGE}
    reply = api.post(
        f"/conversations/{cid}/messages",
        {"clientMessageId": "n", "content": "", "attachments": [attachment]},
        token=ada.id_token,
    )
    assert reply.status == 422, reply.raw
    assert reply.json["error"]["field"] == "attachments[0].size"


def test_a_huge_attachment_size_over_the_websocket_is_an_error_event(api: Api, chat, sender: FakeSender) -> None:
    ada, cid = chat
    socket = Socket(sender, ada.id_token)
    socket.connect()
    attachment = {"key": f"attachment/{cid}/x/y/z.png", "contentType": "image/png", "size": HUGE}
    status = socket.send(
        {"action": "sendMessage", "conversationId": cid, "clientMessageId": "n", "attachments": [attachment]}
    )
    assert status == 200
    (error,) = socket.received("error")
    assert error["code"] == "validation_error"
    assert "size" in error["field"]


def test_a_huge_upload_size_is_4xx(api: Api, chat) -> None:
    ada, cid = chat
    body = {"fileName": "a.png", "contentType": "image/png", "size": HUGE, "purpose": "attachment"}
    reply = api.post("/uploads", {**body, "conversationId": cid}, token=ada.id_token)
    assert reply.status == 422
    assert reply.json["error"]["field"] == "size"


def test_every_integer_of_a_request_body_has_a_maximum() -> None:
    document = openapi_dict()
    schemas = document["components"]["schemas"]
    unbounded = []

    def walk(name: str, schema: dict, path: str) -> None:
        if "$ref" in schema:
            walk(name, schemas[schema["$ref"].rsplit("/", 1)[1]], path)
            return
        for option in schema.get("anyOf", []):
            walk(name, option, path)
        if schema.get("type") in ("integer", "number") and "maximum" not in schema:
            unbounded.append(path)
        for prop, sub in schema.get("properties", {}).items():
            walk(name, sub, f"{path}.{prop}")
        if "items" in schema:
            walk(name, schema["items"], f"{path}[]")

    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            if body:
                walk(path, body, f"{method.upper()} {path}")
            for parameter in operation.get("parameters", []):
                walk(path, parameter.get("schema", {}), f"{method.upper()} {path}?{parameter['name']}")
    assert unbounded == []
