"""Registration, confirmation, login, refresh and logout through the auth function."""

from __future__ import annotations

import json

from backend.observability import metrics

from tests.support.api import Api


def test_register_returns_user_id_and_confirmed(api: Api) -> None:
    reply = api.post("/auth/register", {"email": "ada@example.com", "password": "Correct-Horse-9", "name": "Ada"})
    assert reply.status == 201
    assert reply.json["confirmed"] is True
    assert len(reply.json["userId"]) >= 10


def test_register_twice_is_a_conflict(api: Api) -> None:
    body = {"email": "ada@example.com", "password": "Correct-Horse-9", "name": "Ada"}
    assert api.post("/auth/register", body).status == 201
    reply = api.post("/auth/register", body)
    assert reply.status == 409
    assert reply.json["error"]["code"] == "email_taken"
    assert reply.json["error"]["field"] == "email"


def test_weak_password_is_refused_naming_the_field(api: Api) -> None:
    reply = api.post("/auth/register", {"email": "ada@example.com", "password": "alllowercase", "name": "Ada"})
    assert reply.status == 400
    assert reply.json["error"]["field"] == "password"


def test_missing_field_is_named(api: Api) -> None:
    reply = api.post("/auth/register", {"email": "ada@example.com", "password": "Correct-Horse-9"})
    assert reply.status == 422
    assert reply.json["error"]["field"] == "name"
    assert "required" in reply.json["error"]["message"]


def test_invalid_email_is_named(api: Api) -> None:
    reply = api.post("/auth/register", {"email": "not-an-email", "password": "Correct-Horse-9", "name": "A"})
    assert reply.status == 422
    assert reply.json["error"]["field"] == "email"


def test_malformed_json_is_400(api: Api) -> None:
    reply = api.post("/auth/login", raw_body='{"email": "a@example.com", "password": ')
    assert reply.status == 400
    assert reply.json["error"] == {
        "code": "malformed_json",
        "message": "the body is not valid JSON",
        "field": "body",
    }


def test_unknown_field_is_refused(api: Api) -> None:
    reply = api.post("/auth/login", {"email": "a@example.com", "password": "x", "admin": True})
    assert reply.status == 422
    assert reply.json["error"]["field"] == "admin"


def test_body_that_is_not_an_object(api: Api) -> None:
    reply = api.post("/auth/login", [1, 2, 3])
    assert reply.status == 422


def test_login_with_wrong_password_is_401_and_counted(api: Api, capsys) -> None:
    user = api.sign_up()
    capsys.readouterr()
    reply = api.post("/auth/login", {"email": user.email, "password": "Wrong-Horse-9"})
    assert reply.status == 401
    assert reply.json["error"]["code"] == "invalid_credentials"
    emf = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]
    assert any(entry.get("LoginFailures") == [1.0] or entry.get("LoginFailures") == 1.0 for entry in emf), emf


def test_login_of_unknown_user_answers_like_a_wrong_password(api: Api) -> None:
    reply = api.post("/auth/login", {"email": "nobody@example.com", "password": "Correct-Horse-9"})
    assert reply.status == 401
    assert reply.json["error"]["code"] == "invalid_credentials"


def test_refresh_gives_new_tokens(api: Api) -> None:
    user = api.sign_up()
    reply = api.post("/auth/refresh", {"refreshToken": user.refresh_token})
    assert reply.status == 200
    assert set(reply.json) == {"idToken", "accessToken", "expiresIn"}
    assert api.get("/me", token=reply.json["idToken"]).status == 200


def test_logout_revokes_refresh_tokens(api: Api) -> None:
    user = api.sign_up()
    assert api.post("/auth/logout", token=user.id_token).status == 204
    reply = api.post("/auth/refresh", {"refreshToken": user.refresh_token})
    assert reply.status == 401
    assert reply.json["error"]["code"] == "invalid_refresh_token"


def test_logout_needs_a_token(api: Api) -> None:
    assert api.post("/auth/logout").status == 401


def test_confirm_with_a_wrong_code(api: Api) -> None:
    reply = api.post("/auth/confirm", {"email": "nobody@example.com", "code": "123456"})
    assert reply.status == 400
    assert reply.json["error"]["field"] == "code"


def test_unknown_route_is_404_in_the_error_shape(api: Api) -> None:
    reply = api.get("/nope")
    assert reply.status == 404
    assert reply.json["error"]["code"] == "route_not_found"


def test_metrics_has_a_namespace() -> None:
    assert metrics.namespace == "ChatPlatform"
