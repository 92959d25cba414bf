"""WebSocket connections: connection -> user and user -> connections, both with a TTL.

TTL deletion lags (up to days), so every read drops items whose ``expiresAt`` has passed.
"""

from __future__ import annotations

import time

from backend.store import keys
from backend.store.table import Item, Table


def save(table: Table, connection_id: str, user_id: str, connected_at: str, ttl_s: int) -> None:
    """Record a new connection in both directions (one transaction)."""
    expires = int(time.time()) + ttl_s
    common = {
        "connectionId": connection_id,
        "userId": user_id,
        "connectedAt": connected_at,
        "expiresAt": expires,
    }
    table.transact_write(
        [
            {"Put": {"Item": {**keys.connection(connection_id), **common}}},
            {"Put": {"Item": {**keys.user_connection(user_id, connection_id), **common}}},
        ]
    )


def get(table: Table, connection_id: str) -> Item | None:
    """The connection's record (with its user), or None when unknown or expired."""
    item = table.get(keys.connection(connection_id))
    if item is None or int(item.get("expiresAt", 0)) <= time.time():
        return None
    return item


def delete(table: Table, connection_id: str, user_id: str) -> None:
    """Forget a connection in both directions (one transaction; missing items are fine)."""
    table.transact_write(
        [
            {"Delete": {"Key": keys.connection(connection_id)}},
            {"Delete": {"Key": keys.user_connection(user_id, connection_id)}},
        ]
    )


def of_user(table: Table, user_id: str) -> list[str]:
    """Ids of a user's open connections (one Query; expired ones left out)."""
    now = int(time.time())
    page = table.query(
        "PK = :pk AND begins_with(SK, :prefix)",
        {":pk": keys.user_partition(user_id), ":prefix": keys.CONNECTION},
    )
    return [i["connectionId"] for i in page.items if int(i.get("expiresAt", 0)) > now]
