"""Calls the REST API the way API Gateway would: authorizer emulation, then the function
that the stack model routes the request to."""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass, field
from typing import Any

from backend.auth.tokens import TokenVerifier
from backend.settings import get_settings
from infra import STACK

from ops.local.authorizer import CognitoAuthorizer
from tests.support.events import rest_event
from tests.support.lambda_context import FakeLambdaContext


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    raw: str | None

    @property
    def json(self) -> Any:
        return json.loads(self.raw) if self.raw else None


@dataclass
class User:
    user_id: str
    email: str
    password: str
    id_token: str
    refresh_token: str
    access_token: str = field(repr=False, default="")


class Api:
    """The REST API in-process."""

    def __init__(self) -> None:
        settings = get_settings()
        verifier = TokenVerifier(settings.jwks, settings.issuer, settings.user_pool_client_id)
        self.authorizer = CognitoAuthorizer(STACK, verifier)
        self._counter = 0

    def call(self, method: str, url: str, body: Any = None, *, token: str | None = None, **kw: Any) -> Reply:
        event = rest_event(method, url, body, token=token, **kw)
        refusal = self.authorizer.authorize(event)
        if refusal is not None:
            response = refusal.as_proxy_response()
        else:
            function = STACK.function_for_route(method, event["resource"]) or STACK.function("chat")
            module = importlib.import_module(function.module)
            response = getattr(module, function.entry_point)(event, FakeLambdaContext(function_name=function.name))
        headers = dict(response.get("headers") or {})
        for name, values in (response.get("multiValueHeaders") or {}).items():
            headers[name] = ",".join(values)
        return Reply(response["statusCode"], headers, response.get("body"))

    def get(self, url: str, **kw: Any) -> Reply:
        return self.call("GET", url, **kw)

    def post(self, url: str, body: Any = None, **kw: Any) -> Reply:
        return self.call("POST", url, body, **kw)

    def sign_up(self, name: str = "Ada") -> User:
        """Register and log in a new user (sign-ups are auto-confirmed in tests)."""
        self._counter += 1
        email = f"{name.lower()}{self._counter}@example.com"
        password = "Correct-Horse-9"
        registered = self.post("/auth/register", {"email": email, "password": password, "name": name})
        assert registered.status == 201, registered.raw
        login = self.post("/auth/login", {"email": email, "password": password})
        assert login.status == 200, login.raw
        tokens = login.json
        return User(
            tokens["userId"],
            email,
            password,
            tokens["idToken"],
            tokens["refreshToken"],
            tokens["accessToken"],
        )
