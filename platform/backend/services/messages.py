"""Messages: idempotent send, cursor pagination both ways, read markers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from backend import clock, ids
from backend.auth.identity import Caller
from backend.errors import InvalidInput, NotFound, PayloadTooLarge
from backend.realtime import events
from backend.realtime.fanout import Report
from backend.services import rate_limits, realtime
from backend.services.attachments import resolve as resolve_attachments
from backend.services.conversations import require_membership
from backend.settings import Settings
from backend.store import conversations, messages
from backend.store.table import ConditionFailed, Item, Table


def attachment_prefix(conversation_id: str) -> str:
    """S3 key prefix of a conversation's attachments; a message may only point inside it."""
    return f"attachment/{conversation_id}/"


def _check_content(content: str, attachments: list[dict[str, Any]], conversation_id: str, settings: Settings) -> None:
    if len(content) > settings.max_message_length:
        raise PayloadTooLarge(
            f"content is {len(content)} characters; the limit is {settings.max_message_length}",
            field="content",
            code="message_too_long",
        )
    if not content.strip() and not attachments:
        raise InvalidInput("a message needs content or an attachment", field="content")
    if len(attachments) > settings.max_attachments:
        raise InvalidInput(f"at most {settings.max_attachments} attachments", field="attachments")
    prefix = attachment_prefix(conversation_id)
    for index, attachment in enumerate(attachments):
        if not str(attachment.get("key", "")).startswith(prefix):
            raise InvalidInput(
                "an attachment must be an upload made for this conversation",
                field=f"attachments[{index}].key",
            )


@dataclass(frozen=True)
class Sent:
    """A stored message, whether this call stored it, and who takes part in its conversation."""

    message: Item
    created: bool
    participants: list[str]


def send(
    table: Table,
    caller: Caller,
    conversation_id: str,
    client_message_id: str,
    content: str,
    attachments: list[dict[str, Any]],
    settings: Settings,
) -> Sent:
    """Store a message once per (sender, clientMessageId).

    DynamoDB calls: guard lookup, rate-limit counter, sequence number (which also checks
    membership), one transaction (a bounded retry when a newer message won the summary
    race); a repeat costs the guard, the message and the conversation. Bounded whatever
    the size of the conversation. A caller who is not a participant gets the same 404 as
    for a conversation that does not exist, before anything is written.
    """
    _check_content(content, attachments, conversation_id, settings)
    attachments = resolve_attachments(attachments, settings)
    existing = messages.find_by_client_id(table, conversation_id, caller.user_id, client_message_id)
    if existing is not None:
        participants = _participants(table, conversation_id)
        if caller.user_id not in participants:  # removed since: the retry reads nothing back
            raise NotFound("no such conversation", code="conversation_not_found")
        return Sent(existing, False, participants)
    rate_limits.check(table, caller.user_id, "message", settings.send_rate_per_minute)
    try:
        seq, participants = messages.next_seq(table, conversation_id, caller.user_id)
    except ConditionFailed as error:
        raise NotFound("no such conversation", code="conversation_not_found") from error
    message = {
        "messageId": ids.new_id(),
        "conversationId": conversation_id,
        "senderId": caller.user_id,
        "content": content,
        "attachments": attachments,
        "clientMessageId": client_message_id,
        "createdAt": clock.now_iso(),
        "seq": seq,
    }
    try:
        messages.store(table, message, participants)
    except messages.Duplicate as duplicate:
        stored = messages.get(table, conversation_id, duplicate.message_id)
        if stored is None:  # pragma: no cover - the guard points at a stored message
            raise
        return Sent(stored, False, participants)
    return Sent(messages.public(message), True, participants)


def _participants(table: Table, conversation_id: str) -> list[str]:
    conversation = conversations.get(table, conversation_id)
    return list(conversation.get("participants", [])) if conversation else []


def deliver(table: Table, sent: Sent, *, sender_connection: str | None = None) -> Report:
    """Push ``message.new`` to every participant's open connections except the one that sent
    it (which gets ``message.ack`` from the WebSocket handler). Runs after the message is
    stored, also for a repeated send: delivery is at least once, keyed by messageId."""
    return realtime.push(
        table,
        sent.participants,
        events.message_new(sent.message),
        exclude_connection=sender_connection,
        kind="message",
    )


def list_page(
    table: Table, caller: Caller, conversation_id: str, limit: int, before: str | None, after: str | None
) -> Item:
    """A page of messages; ``nextCursor`` continues in the same direction."""
    if before and after:
        raise InvalidInput("give either before or after, not both", field="after")
    for name, value in (("before", before), ("after", after)):
        if value is not None and not ids.is_id(value):
            raise InvalidInput(f"{name} must be a messageId", field=name)
    require_membership(table, conversation_id, caller.user_id)
    items, more = messages.list_page(table, conversation_id, limit=limit, before=before, after=after)
    return {"items": items, "nextCursor": items[-1]["messageId"] if more and items else None}


def mark_read(table: Table, caller: Caller, conversation_id: str, message_id: str) -> bool:
    """Move the caller's read marker to ``message_id`` (never backwards); True when it moved."""
    if not ids.is_id(message_id):
        raise InvalidInput("messageId must be a messageId", field="messageId")
    require_membership(table, conversation_id, caller.user_id)
    rate_limits.check_action(table, caller.user_id, "read_marker")
    message = messages.get(table, conversation_id, message_id)
    if message is None:
        raise NotFound("no such message in this conversation", code="message_not_found")
    return conversations.mark_read(
        table, conversation_id, caller.user_id, message_id, int(message["seq"]), clock.now_iso()
    )
