"""Conversations, memberships and the direct-pair guard (key shapes in ``keys``)."""

from __future__ import annotations

from typing import Any

from backend.store import keys
from backend.store.table import ConditionFailed, Item, Page, Table, TransactionCancelled

_METADATA_FIELDS = (
    "conversationId",
    "name",
    "isGroup",
    "participants",
    "createdAt",
    "createdBy",
    "lastMessage",
    "lastActivityAt",
    "lastMessageSeq",
    "version",
)


def _metadata(item: Item) -> Item:
    return {k: item[k] for k in _METADATA_FIELDS if k in item}


def membership_item(conversation_id: str, user_id: str, joined_at: str) -> Item:
    """A new membership item, listed in the user's conversations at ``joined_at``."""
    return {
        **keys.membership(conversation_id, user_id),
        **keys.membership_index(user_id, joined_at, conversation_id),
        "conversationId": conversation_id,
        "userId": user_id,
        "joinedAt": joined_at,
        "lastActivityAt": joined_at,
        "readSeq": 0,
    }


class DirectExists(Exception):
    """A direct conversation between the two users exists already."""


def create(table: Table, conversation: Item, *, direct: bool) -> None:
    """Write a conversation with its memberships in one transaction.

    For a direct conversation the pair guard is written in the same transaction, so two
    concurrent creations for one pair leave exactly one conversation (DirectExists for the
    loser).
    """
    conversation_id = conversation["conversationId"]
    created_at = conversation["createdAt"]
    actions: list[dict[str, Any]] = []
    if direct:
        first, second = conversation["participants"]
        actions.append(
            {
                "Put": {
                    "Item": {**keys.direct_pair(first, second), "conversationId": conversation_id},
                    "ConditionExpression": "attribute_not_exists(PK)",
                }
            }
        )
    actions.append(
        {
            "Put": {
                "Item": {**keys.conversation(conversation_id), **conversation, "version": 1},
                "ConditionExpression": "attribute_not_exists(PK)",
            }
        }
    )
    actions.extend(
        {"Put": {"Item": membership_item(conversation_id, user_id, created_at)}}
        for user_id in conversation["participants"]
    )
    try:
        table.transact_write(actions)
    except TransactionCancelled as cancelled:
        if direct and cancelled.failed(0):
            raise DirectExists from cancelled
        raise


def direct_conversation_id(table: Table, user_a: str, user_b: str) -> str | None:
    """Id of the direct conversation between two users, if there is one."""
    item = table.get(keys.direct_pair(user_a, user_b), consistent=True)
    return item["conversationId"] if item else None


def get(table: Table, conversation_id: str, *, consistent: bool = False) -> Item | None:
    """A conversation's metadata, or None."""
    item = table.get(keys.conversation(conversation_id), consistent=consistent)
    return _metadata(item) if item else None


def get_many(table: Table, conversation_ids: list[str]) -> dict[str, Item]:
    """Metadata of several conversations in one BatchGetItem."""
    items = table.batch_get([keys.conversation(c) for c in conversation_ids])
    return {item["conversationId"]: _metadata(item) for item in items}


def get_membership(table: Table, conversation_id: str, user_id: str) -> Item | None:
    """A user's membership in a conversation, or None when they are not a participant."""
    return table.get(keys.membership(conversation_id, user_id))


def list_for_user(table: Table, user_id: str, limit: int, start_key: dict[str, Any] | None) -> Page:
    """A user's memberships, newest activity first (GSI1)."""
    return table.query(
        f"{keys.GSI1PK} = :pk",
        {":pk": keys.user_conversations_partition(user_id)},
        index=keys.GSI1,
        limit=limit,
        forward=False,
        start_key=start_key,
    )


def add_participants(table: Table, conversation: Item, user_ids: list[str], joined_at: str) -> None:
    """Add memberships and the new participant list, guarded by the metadata's version.

    ConditionFailed when the conversation changed since it was read (the caller re-reads).
    """
    conversation_id = conversation["conversationId"]
    actions: list[dict[str, Any]] = [
        {
            "Update": {
                "Key": keys.conversation(conversation_id),
                "UpdateExpression": "SET participants = :participants, version = :next",
                "ConditionExpression": "version = :version",
                "ExpressionAttributeValues": {
                    ":participants": [*conversation["participants"], *user_ids],
                    ":version": conversation["version"],
                    ":next": conversation["version"] + 1,
                },
            }
        }
    ]
    actions.extend(
        {
            "Put": {
                "Item": membership_item(conversation_id, user_id, joined_at),
                "ConditionExpression": "attribute_not_exists(PK)",
            }
        }
        for user_id in user_ids
    )
    try:
        table.transact_write(actions)
    except TransactionCancelled as cancelled:
        raise ConditionFailed from cancelled


def remove_participant(table: Table, conversation: Item, user_id: str) -> None:
    """Delete a membership and drop the user from the participant list, in one transaction.

    ConditionFailed when the conversation changed since it was read.
    """
    conversation_id = conversation["conversationId"]
    remaining = [p for p in conversation["participants"] if p != user_id]
    try:
        table.transact_write(
            [
                {
                    "Update": {
                        "Key": keys.conversation(conversation_id),
                        "UpdateExpression": "SET participants = :participants, version = :next",
                        "ConditionExpression": "version = :version",
                        "ExpressionAttributeValues": {
                            ":participants": remaining,
                            ":version": conversation["version"],
                            ":next": conversation["version"] + 1,
                        },
                    }
                },
                {
                    "Delete": {
                        "Key": keys.membership(conversation_id, user_id),
                        "ConditionExpression": "attribute_exists(PK)",
                    }
                },
            ]
        )
    except TransactionCancelled as cancelled:
        raise ConditionFailed from cancelled


def mark_read(table: Table, conversation_id: str, user_id: str, message_id: str, seq: int, at: str) -> bool:
    """Move a user's read marker forward to ``seq``; False when it is there or further already."""
    try:
        table.update(
            keys.membership(conversation_id, user_id),
            "SET readSeq = :seq, readMessageId = :message, readAt = :at",
            {":seq": seq, ":message": message_id, ":at": at},
            condition="attribute_exists(PK) AND (attribute_not_exists(readSeq) OR readSeq < :seq)",
        )
    except ConditionFailed:
        return False
    return True
