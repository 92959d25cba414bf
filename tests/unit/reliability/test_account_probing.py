"""``/auth/confirm`` tells nothing about which accounts exist: an unknown email, a wrong or
expired code and an account confirmed already all get the same answer."""

from __future__ import annotations

import pytest
from backend.services import accounts
from botocore.exceptions import ClientError

from tests.support.api import Api

REFUSALS = ["UserNotFoundException", "CodeMismatchException", "ExpiredCodeException", "NotAuthorizedException"]


def test_an_existing_and_an_unknown_email_get_the_same_answer(api: Api) -> None:
    ada = api.sign_up("Ada")  # auto-confirmed in the twin, so confirming again is refused
    known = api.post("/auth/confirm", {"email": ada.email, "code": "123456"})
    unknown = api.post("/auth/confirm", {"email": "nobody-here@example.com", "code": "123456"})
    assert (known.status, known.json) == (unknown.status, unknown.json)
    assert known.status == 400


@pytest.mark.parametrize("code", REFUSALS)
def test_every_refusal_of_cognito_is_the_same_answer(api: Api, monkeypatch, code: str) -> None:
    class Refusing:
        def admin_get_user(self, **_: object) -> dict[str, str]:
            if code == "UserNotFoundException":
                raise ClientError({"Error": {"Code": code, "Message": "cognito says no"}}, "AdminGetUser")
            return {"UserStatus": "UNCONFIRMED"}

        def confirm_sign_up(self, **_: object) -> None:
            raise ClientError({"Error": {"Code": code, "Message": "cognito says no"}}, "ConfirmSignUp")

    monkeypatch.setattr(accounts, "cognito_client", lambda: Refusing())
    reply = api.post("/auth/confirm", {"email": "someone@example.com", "code": "123456"})
    assert reply.status == 400
    assert reply.json == {
        "error": {
            "code": "invalid_code",
            "message": "the code is wrong or has expired; an account that is confirmed already needs no code: log in",
            "field": "code",
        }
    }
