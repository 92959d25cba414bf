"""WebSocket connections: connection -> user (one item per connection, TTL) and user ->
connections (one item per user, one attribute per connection holding its expiry).

The user -> connections side is a single item so that the connections of every participant
of a conversation come back in one BatchGetItem, not one Query per participant. DynamoDB's
TTL cannot expire single attributes, and TTL deletion lags anyway (up to days), so readers
drop entries whose expiry has passed and report them for :func:`prune`.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass

from backend.store import keys
from backend.store.table import Item, Table


@dataclass(frozen=True)
class UserConnections:
    """One user's connections as stored: the open ones, and the expired ones to prune."""

    open: list[str]
    expired: list[str]


def save(table: Table, connection_id: str, user_id: str, connected_at: str, ttl_s: int) -> None:
    """Record a new connection in both directions (one transaction)."""
    expires = int(time.time()) + ttl_s
    table.transact_write(
        [
            {
                "Put": {
                    "Item": {
                        **keys.connection(connection_id),
                        "connectionId": connection_id,
                        "userId": user_id,
                        "connectedAt": connected_at,
                        "expiresAt": expires,
                    }
                }
            },
            {
                "Update": {
                    "Key": keys.user_connections(user_id),
                    "UpdateExpression": "SET #c = :expires",
                    "ExpressionAttributeNames": {"#c": keys.connection_attribute(connection_id)},
                    "ExpressionAttributeValues": {":expires": expires},
                }
            },
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
            {
                "Update": {
                    "Key": keys.user_connections(user_id),
                    "UpdateExpression": "REMOVE #c",
                    "ExpressionAttributeNames": {"#c": keys.connection_attribute(connection_id)},
                }
            },
        ]
    )


def _read(item: Item | None, now: float) -> UserConnections:
    found = UserConnections([], [])
    for attribute, expires in (item or {}).items():
        connection_id = keys.connection_id_of(attribute)
        if connection_id is not None:
            (found.open if int(expires) > now else found.expired).append(connection_id)
    found.open.sort()
    return found


def of_users(table: Table, user_ids: Iterable[str]) -> dict[str, UserConnections]:
    """Every listed user's connections (one BatchGetItem per 100 users)."""
    users = list(dict.fromkeys(user_ids))
    items: dict[str, Item] = {}
    for start in range(0, len(users), 100):
        for item in table.batch_get([keys.user_connections(u) for u in users[start : start + 100]]):
            items[item[keys.PK]] = item
    now = time.time()
    return {user: _read(items.get(keys.user_partition(user)), now) for user in users}


def of_user(table: Table, user_id: str) -> list[str]:
    """Ids of a user's open connections (expired ones left out)."""
    return of_users(table, [user_id])[user_id].open


def prune(table: Table, user_id: str, connection_ids: list[str]) -> None:
    """Drop expired connections from the user's connections item (one UpdateItem)."""
    if not connection_ids:
        return
    names = {f"#c{i}": keys.connection_attribute(c) for i, c in enumerate(connection_ids)}
    table.update(keys.user_connections(user_id), "REMOVE " + ", ".join(names), names=names)
