"""Fixed-window counters per user and kind of action (one conditional UpdateItem each)."""

from __future__ import annotations

from backend.store import keys
from backend.store.table import ConditionFailed, Table


def take(table: Table, user_id: str, kind: str, window_start: int, window_s: int, limit: int) -> bool:
    """Count one action in the window; False (nothing counted) when the limit is reached."""
    try:
        table.update(
            keys.rate_counter(user_id, kind, window_start),
            "ADD #n :one SET expiresAt = if_not_exists(expiresAt, :expires)",
            {":one": 1, ":limit": limit, ":expires": window_start + 2 * window_s},
            names={"#n": "count"},
            condition="attribute_not_exists(#n) OR #n < :limit",
        )
    except ConditionFailed:
        return False
    return True
