"""Who owns a connection, remembered by the environment between frames.

A connection's record (its user, its expiry) never changes while the socket is open, and API
Gateway routes frames only from open sockets, so after the first frame an environment can
answer from memory instead of a GetItem per frame. An entry is used only until the record's
own expiry, `$disconnect` forgets it here, and the oldest entries go first past the bound.
"""

from __future__ import annotations

import time
from collections import OrderedDict

from backend.store import connections
from backend.store.table import Item, Table

_MAX_ENTRIES = 10_000
_records: OrderedDict[str, Item] = OrderedDict()


def owner_record(table: Table, connection_id: str) -> Item | None:
    """The connection's record, or None when unknown or expired (a GetItem on a miss)."""
    record = _records.get(connection_id)
    if record is not None and int(record.get("expiresAt", 0)) > time.time():
        _records.move_to_end(connection_id)
        return record
    record = connections.get(table, connection_id)
    if record is None:
        _records.pop(connection_id, None)
        return None
    _records[connection_id] = record
    while len(_records) > _MAX_ENTRIES:
        _records.popitem(last=False)
    return record


def forget(connection_id: str) -> None:
    """Drop what this environment remembers about a connection."""
    _records.pop(connection_id, None)
