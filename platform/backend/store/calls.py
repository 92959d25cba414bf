"""Calls: one item each, listed per conversation through GSI1; transitions are conditional."""

from __future__ import annotations

from typing import Any

from backend.store import keys
from backend.store.table import ConditionFailed, Item, Page, Table

_FIELDS = (
    "callId",
    "conversationId",
    "callerId",
    "media",
    "status",
    "participants",
    "createdAt",
    "ringDeadline",
    "startedAt",
    "endedAt",
    "durationSeconds",
    "answeredBy",
    "endedBy",
    "recordings",
)


def public(item: Item) -> Item:
    """The stored call without its keys."""
    return {k: item[k] for k in _FIELDS if k in item}


def create(table: Table, call: Item) -> None:
    """Store a new call."""
    table.put(
        {
            **keys.call(call["callId"]),
            **keys.call_history_index(call["conversationId"], call["callId"]),
            **call,
        },
        condition="attribute_not_exists(PK)",
    )


def get(table: Table, call_id: str) -> Item | None:
    """A call, or None."""
    item = table.get(keys.call(call_id), consistent=True)
    return public(item) if item else None


def transition(table: Table, call_id: str, changes: dict[str, Any], condition: str, values: dict[str, Any]) -> Item:
    """Apply ``changes`` when ``condition`` holds (ConditionFailed otherwise); the new call."""
    names = {f"#{k}": k for k in changes} | {"#status": "status"}
    expression = "SET " + ", ".join(f"#{k} = :new_{k}" for k in changes)
    item = table.update(
        keys.call(call_id),
        expression,
        {**{f":new_{k}": v for k, v in changes.items()}, **values},
        names=names,
        condition=condition,
        returns="ALL_NEW",
    )
    assert item is not None
    return public(item)


def history(table: Table, conversation_id: str, limit: int, start_key: dict[str, Any] | None) -> Page:
    """A conversation's calls, newest first (GSI1)."""
    return table.query(
        f"{keys.GSI1PK} = :pk",
        {":pk": keys.call_history_partition(conversation_id)},
        index=keys.GSI1,
        limit=limit,
        forward=False,
        start_key=start_key,
    )


def add_recording(table: Table, call_id: str, upload_id: str, max_recordings: int) -> bool:
    """Link an uploaded recording to its call; False when the call holds ``max_recordings``
    already (the list is bounded so the call item stays far under the item size limit)."""
    try:
        table.update(
            keys.call(call_id),
            "SET recordings = list_append(if_not_exists(recordings, :empty), :one)",
            {":empty": [], ":one": [upload_id], ":max": max_recordings},
            condition="attribute_exists(PK) AND (attribute_not_exists(recordings) OR size(recordings) < :max)",
        )
    except ConditionFailed:
        return False
    return True
