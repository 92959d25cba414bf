"""Logout revokes: a token whose session began at or before the user's last logout is void.

Cognito ID tokens stay valid until they expire whatever happens to the session, and the REST
API's Cognito authorizer does not know about logouts, so every authenticated REST request and
every ``$connect`` compares the token's ``auth_time`` (the sign-in it descends from; refreshed
tokens keep it) with the per-user marker that logout writes. The resolution is one second:
a new sign-in in the very second of a logout is refused too, which errs on the safe side.
"""

from __future__ import annotations

import calendar
import time
from collections.abc import Mapping
from typing import Any

from backend.errors import Unauthorized
from backend.store import revocations
from backend.store.table import Table

# how API Gateway's REST Cognito authorizer renders ``iat`` and ``exp``
_GATEWAY_DATE = "%a %b %d %H:%M:%S UTC %Y"


class TokenRevoked(Unauthorized):
    """The token belongs to a session that logged out."""

    code = "token_revoked"

    def __init__(self) -> None:
        super().__init__("this session has logged out: log in again")


def _epoch(value: Any) -> int | None:
    if isinstance(value, int | float):
        return int(value)
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        return int(float(text))
    except ValueError:
        pass
    try:
        return calendar.timegm(time.strptime(text, _GATEWAY_DATE))
    except ValueError:
        return None


def issued_at(claims: Mapping[str, Any]) -> int | None:
    """When the token's session began: ``auth_time``, else ``iat`` (numbers, number strings
    or API Gateway's date strings); None when the claims carry neither."""
    for name in ("auth_time", "iat"):
        moment = _epoch(claims.get(name))
        if moment is not None:
            return moment
    return None


def require_not_revoked(table: Table, user_id: str, session_start: int | None) -> None:
    """TokenRevoked when the user logged out at or after ``session_start`` (a token without
    any issue time is treated as revoked once its user has logged out at all)."""
    marker = revocations.revoked_before(table, user_id)
    if marker is None:
        return
    if session_start is None or session_start <= marker:
        raise TokenRevoked()


def revoke_now(table: Table, user_id: str) -> int:
    """Void every token issued up to this second; returns the marker written."""
    now = int(time.time())
    revocations.revoke_before(table, user_id, now)
    return now
