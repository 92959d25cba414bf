"""A route with a body reads ``application/json`` (a charset parameter allowed) and answers
415 in the API's error shape to any other content type; the OpenAPI document declares it.

Given every operation of the document that takes a body, when it is called with a body in
text/plain, a form, multipart or XML, then the answer is 415 ``unsupported_media_type``, never
a 5xx; with ``application/json; charset=utf-8`` the body is read as JSON."""

from __future__ import annotations

import pytest

from ops.openapi import openapi_dict
from tests.support.api import Api

OTHER_TYPES = ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/xml"]


def _body_operations() -> list[tuple[str, str]]:
    document = openapi_dict()
    return [
        (method.upper(), path)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if "requestBody" in operation
    ]


def _concrete(path: str) -> str:
    return path.replace("{", "").replace("}", "")


def test_the_document_declares_415_on_every_body_operation() -> None:
    document = openapi_dict()
    operations = _body_operations()
    assert len(operations) >= 10
    for method, path in operations:
        answer = document["paths"][path][method.lower()]["responses"].get("415")
        assert answer is not None, (method, path)
        assert answer["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorOut")


@pytest.mark.parametrize("content_type", OTHER_TYPES)
def test_every_body_route_answers_415_to_other_content_types(api: Api, content_type: str) -> None:
    user = api.sign_up("Ada")
    for method, path in _body_operations():
        for body in ("email=a", ""):
            reply = api.call(
                method, _concrete(path), raw_body=body, token=user.id_token, headers={"Content-Type": content_type}
            )
            assert reply.status == 415, (method, path, body, reply.raw)
            assert reply.json["error"]["code"] == "unsupported_media_type"
            assert "application/json" in reply.json["error"]["message"]


def test_json_with_a_charset_is_read(api: Api) -> None:
    reply = api.call(
        "POST",
        "/auth/login",
        raw_body='{"email": "nobody@example.com", "password": "Correct-Horse-9"}',
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    assert reply.status == 401
