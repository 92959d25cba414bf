"""Given tokens that are missing, expired, forged, unsigned or meant for someone else, when they
call an authorized route, then API Gateway's authorizer (emulated on the shared verifier)
refuses them with 401 and no data, and the function never runs."""

from __future__ import annotations

import time

import pytest
from infra.gateway_responses import gateway_response

from tests.support import tokens
from tests.support.api import Api


@pytest.fixture
def user(api: Api):
    return api.sign_up("Grace")


def _refused(reply) -> None:
    assert reply.status == 401, reply.raw
    assert reply.json == gateway_response("UNAUTHORIZED").body()


def test_a_real_token_is_accepted(api: Api, user) -> None:
    assert api.get("/me", token=user.id_token).status == 200


def test_missing_token(api: Api) -> None:
    _refused(api.get("/me"))


def test_garbage_token(api: Api) -> None:
    _refused(api.get("/me", token="not-a-jwt"))


def test_expired_token(api: Api, user) -> None:
    now = int(time.time())
    token = tokens.signed_by_pool(tokens.claims(user.user_id, iat=now - 7200, exp=now - 3600))
    _refused(api.get("/me", token=token))


def test_the_pools_key_with_valid_claims_is_accepted(api: Api, user) -> None:
    # Control for the tests around it: the minted token differs only in the broken claim.
    token = tokens.signed_by_pool(tokens.claims(user.user_id))
    assert api.get("/me", token=token).status == 200


def test_forged_signature(api: Api, user) -> None:
    _refused(api.get("/me", token=tokens.forged(tokens.claims(user.user_id))))


def test_alg_none(api: Api, user) -> None:
    _refused(api.get("/me", token=tokens.unsigned(tokens.claims(user.user_id))))


def test_hmac_algorithm_confusion(api: Api, user) -> None:
    _refused(api.get("/me", token=tokens.hmac_signed(tokens.claims(user.user_id))))


def test_wrong_audience(api: Api, user) -> None:
    _refused(api.get("/me", token=tokens.signed_by_pool(tokens.claims(user.user_id, aud="another-client"))))


def test_wrong_issuer(api: Api, user) -> None:
    issuer = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_other"
    _refused(api.get("/me", token=tokens.signed_by_pool(tokens.claims(user.user_id, iss=issuer))))


def test_access_token_is_not_an_id_token(api: Api, user) -> None:
    _refused(api.get("/me", token=user.access_token))


def test_token_without_expiry(api: Api, user) -> None:
    _refused(api.get("/me", token=tokens.signed_by_pool(tokens.claims(user.user_id, exp=None))))


def test_token_in_bare_header_form_is_accepted(api: Api, user) -> None:
    reply = api.get("/me", headers={"Authorization": user.id_token})
    assert reply.status == 200


def test_routes_without_claims_fail_closed(api: Api) -> None:
    """A route wired without the authorizer by mistake answers 401, never data."""
    from backend.handlers import chat

    from tests.support.events import rest_event
    from tests.support.lambda_context import FakeLambdaContext

    response = chat.handler(rest_event("GET", "/me"), FakeLambdaContext())
    assert response["statusCode"] == 401
