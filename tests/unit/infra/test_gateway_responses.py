"""API Gateway's own answers use the API's one error shape and docs/api.md's statuses."""

from __future__ import annotations

import json

import pytest
from infra.gateway_responses import GATEWAY_RESPONSES, gateway_response


@pytest.mark.parametrize(
    ("response_type", "status"),
    [
        ("UNAUTHORIZED", 401),
        ("EXPIRED_TOKEN", 401),
        ("ACCESS_DENIED", 403),
        ("MISSING_AUTHENTICATION_TOKEN", 404),
        ("BAD_REQUEST_PARAMETERS", 400),
        ("BAD_REQUEST_BODY", 400),
        ("REQUEST_TOO_LARGE", 413),
        ("THROTTLED", 429),
        ("WAF_FILTERED", 403),
    ],
)
def test_statuses_follow_api_md(response_type: str, status: int) -> None:
    assert gateway_response(response_type).status == status


def test_defaults_keep_the_status_api_gateway_chose() -> None:
    assert gateway_response("DEFAULT_4XX").status is None
    assert gateway_response("DEFAULT_5XX").status is None


def test_every_body_is_the_error_shape_as_json() -> None:
    for response in GATEWAY_RESPONSES.values():
        body = json.loads(response.body_json())
        assert body == {"error": {"code": response.code, "message": response.message}}
        assert response.code.islower()
        assert " " not in response.code


def test_an_unknown_type_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="UNAUTHORIZED"):
        gateway_response("NOPE")
