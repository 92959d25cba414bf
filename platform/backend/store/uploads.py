"""Upload records: who asked for which object key, for what."""

from __future__ import annotations

from backend.store import keys
from backend.store.table import Item, Table

_FIELDS = (
    "uploadId",
    "ownerId",
    "purpose",
    "key",
    "contentType",
    "size",
    "fileName",
    "conversationId",
    "callId",
    "createdAt",
)


def create(table: Table, upload: Item) -> None:
    """Store an upload record."""
    table.put({**keys.upload(upload["uploadId"]), **upload}, condition="attribute_not_exists(PK)")


def get(table: Table, upload_id: str) -> Item | None:
    """An upload record, or None."""
    item = table.get(keys.upload(upload_id))
    return {k: item[k] for k in _FIELDS if k in item} if item else None
