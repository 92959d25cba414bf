"""The per-user revocation marker: tokens authenticated at or before ``revokedBefore``
(epoch seconds) are void. One item per user, overwritten by each logout."""

from __future__ import annotations

from backend.store import keys
from backend.store.table import Table


def revoke_before(table: Table, user_id: str, epoch_s: int) -> None:
    """Void every token of ``user_id`` authenticated at or before ``epoch_s``."""
    table.put({**keys.revocation(user_id), "userId": user_id, "revokedBefore": epoch_s})


def revoked_before(table: Table, user_id: str) -> int | None:
    """The user's marker (epoch seconds), or None when they never logged out."""
    item = table.get(keys.revocation(user_id), consistent=True)
    return int(item["revokedBefore"]) if item else None
