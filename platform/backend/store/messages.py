"""Messages, their idempotency guard, and the conversation summary each send updates."""

from __future__ import annotations

from typing import Any

from backend.store import keys
from backend.store.table import ConditionFailed, Item, Table, TransactionCancelled

_MESSAGE_FIELDS = (
    "messageId",
    "conversationId",
    "senderId",
    "content",
    "attachments",
    "clientMessageId",
    "createdAt",
    "seq",
)
_PREVIEW_LENGTH = 200
# Summary updates lose a race only to a newer message; after this many rounds the newer
# message has written the summary and there is nothing left for this one to do.
_MAX_ROUNDS = 3


def public(item: Item) -> Item:
    """The stored message without its keys."""
    return {k: item[k] for k in _MESSAGE_FIELDS if k in item}


class Duplicate(Exception):
    """The sender used this client message id before; ``message_id`` is the stored message."""

    def __init__(self, message_id: str) -> None:
        super().__init__(message_id)
        self.message_id = message_id


def find_by_client_id(table: Table, conversation_id: str, sender_id: str, client_message_id: str) -> Item | None:
    """The message a sender stored under ``client_message_id``, or None."""
    guard = table.get(keys.send_guard(conversation_id, sender_id, client_message_id), consistent=True)
    if guard is None:
        return None
    return get(table, conversation_id, guard["messageId"])


def get(table: Table, conversation_id: str, message_id: str) -> Item | None:
    """One message, or None."""
    item = table.get(keys.message(conversation_id, message_id), consistent=True)
    return public(item) if item else None


def next_seq(table: Table, conversation_id: str, sender_id: str) -> tuple[int, list[str]]:
    """Reserve the conversation's next message sequence number for a message of
    ``sender_id``; also returns the participants.

    ConditionFailed when the conversation does not exist or ``sender_id`` is not one of its
    participants (the metadata's participant list changes in the same transaction as the
    membership items, so it answers the membership question in the same request).
    """
    item = table.update(
        keys.conversation(conversation_id),
        "ADD messageSeq :one",
        {":one": 1, ":sender": sender_id},
        condition="attribute_exists(PK) AND contains(participants, :sender)",
        returns="ALL_NEW",
    )
    assert item is not None
    return int(item["messageSeq"]), list(item.get("participants", []))


def store(table: Table, message: Item, participants: list[str]) -> None:
    """Store ``message`` and bring the conversation summary and memberships up to date.

    One transaction: the idempotency guard, the message, the conversation's last message and
    each participant's activity (the sender's read marker too). Summary items only move
    forward (condition on the sequence number); one that lost to a newer message is dropped
    and the rest retried, so the message itself is always stored exactly once. Raises
    Duplicate when the client message id was used already.
    """
    conversation_id = message["conversationId"]
    seq = message["seq"]
    at = message["createdAt"]
    preview = {
        "messageId": message["messageId"],
        "senderId": message["senderId"],
        "content": message["content"][:_PREVIEW_LENGTH],
        "createdAt": at,
    }
    forward = "(attribute_not_exists(lastMessageSeq) OR lastMessageSeq < :seq)"
    core: list[dict[str, Any]] = [
        {
            "Put": {
                "Item": {
                    **keys.send_guard(conversation_id, message["senderId"], message["clientMessageId"]),
                    "messageId": message["messageId"],
                },
                "ConditionExpression": "attribute_not_exists(PK)",
            }
        },
        {"Put": {"Item": {**keys.message(conversation_id, message["messageId"]), **message}}},
    ]
    summary: list[dict[str, Any]] = [
        {
            "Update": {
                "Key": keys.conversation(conversation_id),
                "UpdateExpression": "SET lastMessage = :preview, lastActivityAt = :at, lastMessageSeq = :seq",
                "ConditionExpression": f"attribute_exists(PK) AND {forward}",
                "ExpressionAttributeValues": {":preview": preview, ":at": at, ":seq": seq},
            }
        }
    ]
    for user_id in participants:
        index = keys.membership_index(user_id, at, conversation_id)
        expression = "SET GSI1SK = :activity, lastActivityAt = :at, lastMessageSeq = :seq"
        if user_id == message["senderId"]:
            expression += ", readSeq = :seq, readMessageId = :message"
        summary.append(
            {
                "Update": {
                    "Key": keys.membership(conversation_id, user_id),
                    "UpdateExpression": expression,
                    "ConditionExpression": f"attribute_exists(PK) AND {forward}",
                    "ExpressionAttributeValues": {
                        ":activity": index[keys.GSI1SK],
                        ":at": at,
                        ":seq": seq,
                        **({":message": message["messageId"]} if user_id == message["senderId"] else {}),
                    },
                }
            }
        )
    for _ in range(_MAX_ROUNDS):
        try:
            table.transact_write(core + summary)
            return
        except TransactionCancelled as cancelled:
            if cancelled.failed(0):
                existing = table.get(
                    keys.send_guard(conversation_id, message["senderId"], message["clientMessageId"]),
                    consistent=True,
                )
                raise Duplicate(existing["messageId"] if existing else message["messageId"]) from cancelled
            offset = len(core)
            summary = [a for i, a in enumerate(summary) if not cancelled.failed(offset + i)]
    table.transact_write(core)


def list_page(
    table: Table,
    conversation_id: str,
    *,
    limit: int,
    before: str | None = None,
    after: str | None = None,
) -> tuple[list[Item], bool]:
    """Up to ``limit`` messages and whether more follow: newest first (older than ``before``
    when given), or oldest first newer than ``after``. One Query."""
    values: dict[str, Any] = {":pk": keys.conversation_partition(conversation_id)}
    condition = "PK = :pk AND SK BETWEEN :low AND :high"
    fetch = limit + 1  # one more than asked tells whether another page exists
    if after is not None:
        values[":low"] = keys.message_sort_key(after) + "0"  # sorts just after `after`
        values[":high"] = keys.message_sort_key("~")
        forward = True
    else:
        values[":low"] = keys.MESSAGE
        if before is not None:
            values[":high"] = keys.message_sort_key(before)  # inclusive: dropped below
            fetch += 1
        else:
            values[":high"] = keys.message_sort_key("~")
        forward = False
    page = table.query(condition, values, limit=fetch, forward=forward)
    items = [public(i) for i in page.items if before is None or keys.message_id_of(i["SK"]) != before]
    return items[:limit], len(items) > limit


__all__ = ["ConditionFailed", "Duplicate", "find_by_client_id", "get", "list_page", "next_seq", "store"]
