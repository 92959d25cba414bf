"""Emulation of the REST API's Cognito authorizer, on the backend's own token verifier.

API Gateway checks the idToken before the function runs and puts the claims (as strings) at
``requestContext.authorizer.claims``; a refused token never reaches the function. This does
the same for the local twin and the tests, with the very verifier behind the WebSocket
``$connect`` check, so every path refuses exactly the same tokens.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from backend.auth.tokens import KeysUnavailable, TokenRefused, TokenVerifier, bearer_token
from infra.gateway_responses import gateway_response
from infra.model import Stack


@dataclass(frozen=True)
class Refusal:
    """What API Gateway answers instead of calling the function."""

    status: int
    body: dict[str, Any]

    def as_proxy_response(self) -> dict[str, Any]:
        """The refusal in the Lambda proxy response format."""
        return {
            "statusCode": self.status,
            "headers": {"Content-Type": "application/json"},
            "body": json.dumps(self.body),
        }


KEYS_UNAVAILABLE = Refusal(
    503, {"error": {"code": "auth_unavailable", "message": "cannot check tokens right now; retry shortly"}}
)
_UNAUTHORIZED_ANSWER = gateway_response("UNAUTHORIZED")
UNAUTHORIZED = Refusal(_UNAUTHORIZED_ANSWER.status or 401, _UNAUTHORIZED_ANSWER.body())


def _string_claims(claims: dict[str, Any]) -> dict[str, str]:
    # API Gateway hands claims to the function as strings (numbers and lists included).
    return {
        k: v if isinstance(v, str) else json.dumps(v) if isinstance(v, list | dict) else str(v)
        for k, v in claims.items()
    }


class CognitoAuthorizer:
    """Guards the routes the stack model marks ``authorized``."""

    def __init__(self, stack: Stack, verifier: TokenVerifier) -> None:
        self._stack = stack
        self._verifier = verifier

    def authorize(self, event: dict[str, Any]) -> Refusal | None:
        """Put the caller's claims into ``event`` (in place) or say why it is refused.

        ``event`` is a REST proxy event whose ``resource`` is the route's path template.
        Routes the model does not guard pass untouched.
        """
        route_method, resource = event.get("httpMethod", ""), event.get("resource", "")
        for route, _function in self._stack.rest_routes():
            if route.method == route_method and route.path == resource:
                if not route.authorized:
                    return None
                break
        else:
            return None
        headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
        try:
            claims = self._verifier.verify(bearer_token(headers.get("authorization")))
        except TokenRefused:
            return UNAUTHORIZED
        except KeysUnavailable:
            return KEYS_UNAVAILABLE
        context = event.setdefault("requestContext", {})
        context["authorizer"] = {"claims": _string_claims(claims)}
        return None
