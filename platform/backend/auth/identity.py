"""The caller of a REST request, from the claims the Cognito authorizer put in the event."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from backend.auth.revocation import issued_at
from backend.errors import Unauthorized


@dataclass(frozen=True)
class Caller:
    """The authenticated user: Cognito ``sub`` and the username used for admin calls."""

    user_id: str
    username: str
    email: str | None = None
    name: str | None = None
    # when the token's sign-in happened (epoch seconds), checked against logouts
    session_start: int | None = None


def caller_from_claims(claims: dict[str, Any] | None) -> Caller:
    """The caller; Unauthorized when the request carries no authorizer claims (a route wired
    without the authorizer must fail closed)."""
    if not claims or not claims.get("sub"):
        raise Unauthorized("this route needs a valid token in the Authorization header")
    return Caller(
        user_id=str(claims["sub"]),
        username=str(claims.get("cognito:username") or claims["sub"]),
        email=claims.get("email"),
        name=claims.get("name"),
        session_start=issued_at(claims),
    )
