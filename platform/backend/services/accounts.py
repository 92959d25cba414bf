"""Sign-up, confirmation, login, refresh and logout against the Cognito user pool."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NoReturn

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from backend import clock
from backend.errors import AppError, Conflict, Forbidden, InvalidInput, TooManyRequests, Unauthorized
from backend.settings import Settings, get_settings
from backend.snapstart import after_restore
from backend.store import profiles
from backend.store.table import Table


@lru_cache(maxsize=1)
def cognito_client() -> Any:
    """The process's Cognito client."""
    config = Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=2, read_timeout=5)
    return boto3.client("cognito-idp", region_name=get_settings().region, config=config)


after_restore(cognito_client.cache_clear)  # restored copies must not share the snapshot's connections


class InvalidCredentials(Unauthorized):
    code = "invalid_credentials"


@dataclass(frozen=True)
class Registration:
    user_id: str
    confirmed: bool


_THROTTLED = {"TooManyRequestsException", "LimitExceededException", "TooManyFailedAttemptsException"}


def _raise_for(error: ClientError, mapping: dict[str, Callable[[str], AppError]]) -> NoReturn:
    code = error.response["Error"]["Code"]
    if code in mapping:
        raise mapping[code](error.response["Error"].get("Message", code)) from error
    if code in _THROTTLED:
        raise TooManyRequests("too many attempts, wait a moment and try again") from error
    raise error


def register(table: Table, email: str, password: str, name: str, settings: Settings | None = None) -> Registration:
    """Create the Cognito user and the profile; confirm at once when configured to."""
    settings = settings or get_settings()
    client = cognito_client()
    try:
        response = client.sign_up(
            ClientId=settings.user_pool_client_id,
            Username=email,
            Password=password,
            UserAttributes=[{"Name": "email", "Value": email}, {"Name": "name", "Value": name}],
        )
    except ClientError as error:
        _raise_for(
            error,
            {
                "UsernameExistsException": lambda _m: Conflict(
                    "an account with this email exists", field="email", code="email_taken"
                ),
                "InvalidPasswordException": lambda m: InvalidInput(m, field="password", code="weak_password"),
                "InvalidParameterException": lambda m: InvalidInput(m, field="email"),
            },
        )
    user_id = response["UserSub"]
    confirmed = bool(response.get("UserConfirmed"))
    if settings.auto_confirm_signups and not confirmed:
        client.admin_confirm_sign_up(UserPoolId=settings.user_pool_id, Username=email)
        confirmed = True
    profiles.create(table, {"userId": user_id, "email": email, "name": name, "createdAt": clock.now_iso()})
    return Registration(user_id=user_id, confirmed=confirmed)


def confirm(email: str, code: str, settings: Settings | None = None) -> None:
    """Confirm a sign-up with the emailed code."""
    settings = settings or get_settings()
    try:
        cognito_client().confirm_sign_up(ClientId=settings.user_pool_client_id, Username=email, ConfirmationCode=code)
    except ClientError as error:
        _raise_for(
            error,
            {
                "CodeMismatchException": lambda _m: InvalidInput(
                    "the code is wrong", field="code", code="invalid_code"
                ),
                "ExpiredCodeException": lambda _m: InvalidInput(
                    "the code has expired", field="code", code="expired_code"
                ),
                # Unknown user answers like a wrong code, so confirm cannot probe for accounts.
                "UserNotFoundException": lambda _m: InvalidInput(
                    "the code is wrong", field="code", code="invalid_code"
                ),
                "NotAuthorizedException": lambda _m: Conflict(
                    "the account is confirmed already", code="already_confirmed"
                ),
            },
        )


def _tokens(result: dict[str, Any]) -> dict[str, Any]:
    tokens = {
        "idToken": result["IdToken"],
        "accessToken": result["AccessToken"],
        "expiresIn": result["ExpiresIn"],
    }
    if "RefreshToken" in result:
        tokens["refreshToken"] = result["RefreshToken"]
    return tokens


def login(email: str, password: str, settings: Settings | None = None) -> dict[str, Any]:
    """Tokens for a confirmed user with the right password."""
    settings = settings or get_settings()
    try:
        response = cognito_client().initiate_auth(
            ClientId=settings.user_pool_client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": email, "PASSWORD": password},
        )
    except ClientError as error:
        _raise_for(
            error,
            {
                "NotAuthorizedException": lambda _m: InvalidCredentials("wrong email or password"),
                "UserNotFoundException": lambda _m: InvalidCredentials("wrong email or password"),
                "UserNotConfirmedException": lambda _m: Forbidden(
                    "confirm your email first (POST /auth/confirm)", code="user_not_confirmed"
                ),
                "PasswordResetRequiredException": lambda _m: Forbidden(
                    "the password must be reset", code="password_reset_required"
                ),
            },
        )
    result = response.get("AuthenticationResult")
    if not result:
        raise Forbidden("this account needs a sign-in step the API does not support", code="challenge_required")
    tokens = _tokens(result)
    import jwt  # already imported by the verifier; only the payload is read, Cognito signed it

    tokens["userId"] = jwt.decode(result["IdToken"], options={"verify_signature": False})["sub"]
    return tokens


def refresh(refresh_token: str, settings: Settings | None = None) -> dict[str, Any]:
    """New id and access tokens for a refresh token that has not been revoked."""
    settings = settings or get_settings()
    try:
        response = cognito_client().initiate_auth(
            ClientId=settings.user_pool_client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": refresh_token},
        )
    except ClientError as error:
        _raise_for(
            error,
            {
                "NotAuthorizedException": lambda _m: Unauthorized(
                    "the refresh token is invalid, expired or revoked: log in again",
                    code="invalid_refresh_token",
                ),
            },
        )
    tokens = _tokens(response["AuthenticationResult"])
    tokens.pop("refreshToken", None)
    return tokens


def logout(username: str, settings: Settings | None = None) -> None:
    """Revoke every refresh token of the user (global sign-out)."""
    settings = settings or get_settings()
    try:
        cognito_client().admin_user_global_sign_out(UserPoolId=settings.user_pool_id, Username=username)
    except ClientError as error:
        _raise_for(error, {"UserNotFoundException": lambda _m: Unauthorized("unknown user")})
