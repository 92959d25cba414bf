"""Conversations: create (direct ones unique per pair), list, read, change participants."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from backend import clock, ids
from backend.auth.identity import Caller
from backend.errors import Conflict, InvalidInput, NotFound
from backend.services import rate_limits
from backend.settings import Settings
from backend.store import conversations
from backend.store import profiles as profile_store
from backend.store.table import ConditionFailed, Item, Table

_RETRIES = 3


def view(conversation: Item, membership: Item | None) -> Item:
    """The API's conversation object."""
    read_seq = int(membership.get("readSeq", 0)) if membership else 0
    return {
        "conversationId": conversation["conversationId"],
        "name": conversation.get("name"),
        "isGroup": bool(conversation.get("isGroup")),
        "participants": list(conversation.get("participants", [])),
        "createdAt": conversation.get("createdAt"),
        "lastMessage": conversation.get("lastMessage"),
        "lastActivityAt": conversation.get("lastActivityAt") or conversation.get("createdAt"),
        "unreadCount": max(0, int(conversation.get("lastMessageSeq", 0)) - read_seq),
    }


def require_membership(table: Table, conversation_id: str, user_id: str) -> Item:
    """The caller's membership; NotFound (not Forbidden) otherwise, so ids do not leak."""
    membership = conversations.get_membership(table, conversation_id, user_id)
    if membership is None:
        raise NotFound("no such conversation", code="conversation_not_found")
    return membership


def _check_users_exist(table: Table, user_ids: list[str], field: str) -> None:
    found = profile_store.get_many(table, user_ids)
    missing = [u for u in user_ids if u not in found]
    if missing:
        raise InvalidInput(f"unknown user ids: {', '.join(missing)}", field=field, code="unknown_user")


def create(
    table: Table,
    caller: Caller,
    participant_ids: list[str],
    name: str | None,
    is_group: bool | None,
    settings: Settings,
) -> tuple[Item, bool]:
    """A new conversation, or the existing direct one for this pair; the flag says "created"."""
    rate_limits.check_action(table, caller.user_id, "conversation")
    others = [p for p in dict.fromkeys(participant_ids) if p != caller.user_id]
    if not others:
        raise InvalidInput("name at least one other participant", field="participantIds")
    group = is_group if is_group is not None else len(others) > 1
    if not group and len(others) != 1:
        raise InvalidInput("a direct conversation has exactly one other participant", field="participantIds")
    if len(others) + 1 > settings.max_group_size:
        raise InvalidInput(
            f"a conversation holds at most {settings.max_group_size} participants", field="participantIds"
        )
    if not group:
        existing = conversations.direct_conversation_id(table, caller.user_id, others[0])
        if existing:
            return _existing_direct(table, existing, caller), False
    _check_users_exist(table, others, "participantIds")
    now = clock.now_iso()
    conversation = {
        "conversationId": ids.new_id(),
        "name": name,
        "isGroup": group,
        "participants": [caller.user_id, *others],
        "createdAt": now,
        "createdBy": caller.user_id,
        "lastActivityAt": now,
        "lastMessageSeq": 0,
    }
    try:
        conversations.create(table, conversation, direct=not group)
    except conversations.DirectExists:
        existing = conversations.direct_conversation_id(table, caller.user_id, others[0])
        if existing is None:  # pragma: no cover - the guard was just seen
            raise
        return _existing_direct(table, existing, caller), False
    return view(conversation, {"readSeq": 0}), True


def _existing_direct(table: Table, conversation_id: str, caller: Caller) -> Item:
    conversation = conversations.get(table, conversation_id, consistent=True)
    if conversation is None:
        raise NotFound("no such conversation", code="conversation_not_found")
    membership = conversations.get_membership(table, conversation_id, caller.user_id)
    return view(conversation, membership)


def get(table: Table, caller: Caller, conversation_id: str) -> Item:
    """One conversation the caller takes part in."""
    membership = require_membership(table, conversation_id, caller.user_id)
    conversation = conversations.get(table, conversation_id)
    if conversation is None:
        raise NotFound("no such conversation", code="conversation_not_found")
    return view(conversation, membership)


def encode_cursor(key: dict[str, Any] | None) -> str | None:
    """An opaque pagination cursor for a DynamoDB key."""
    if not key:
        return None
    return base64.urlsafe_b64encode(json.dumps(key, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, expected: set[str], field: str = "cursor") -> dict[str, Any] | None:
    """The key behind a cursor; InvalidInput unless it is one this service issued."""
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        key = json.loads(raw)
    except (binascii.Error, ValueError) as error:
        raise InvalidInput("the cursor is not one this API returned", field=field) from error
    if not isinstance(key, dict) or set(key) != expected or not all(isinstance(v, str) for v in key.values()):
        raise InvalidInput("the cursor is not one this API returned", field=field)
    return key


def list_for(table: Table, caller: Caller, limit: int, cursor: str | None) -> Item:
    """The caller's conversations, newest activity first: one Query and one BatchGetItem."""
    start = decode_cursor(cursor, {"PK", "SK", "GSI1PK", "GSI1SK"})
    if start is not None and start["GSI1PK"] != f"USER#{caller.user_id}":
        raise InvalidInput("the cursor is not one this API returned", field="cursor")
    page = conversations.list_for_user(table, caller.user_id, limit, start)
    metadata = conversations.get_many(table, [m["conversationId"] for m in page.items])
    items = [view(metadata[m["conversationId"]], m) for m in page.items if m["conversationId"] in metadata]
    return {"items": items, "nextCursor": encode_cursor(page.last_key)}


def add_participants(
    table: Table, caller: Caller, conversation_id: str, user_ids: list[str], settings: Settings
) -> Item:
    """Add people to a group the caller is in."""
    membership = require_membership(table, conversation_id, caller.user_id)
    rate_limits.check_action(table, caller.user_id, "participant_change")
    for _ in range(_RETRIES):
        conversation = conversations.get(table, conversation_id, consistent=True)
        if conversation is None:
            raise NotFound("no such conversation", code="conversation_not_found")
        if not conversation.get("isGroup"):
            raise InvalidInput("participants can only be added to a group", field="conversationId", code="not_a_group")
        new = [u for u in dict.fromkeys(user_ids) if u not in conversation["participants"]]
        if not new:
            return view(conversation, membership)
        if len(conversation["participants"]) + len(new) > settings.max_group_size:
            raise InvalidInput(f"a group holds at most {settings.max_group_size} participants", field="userIds")
        _check_users_exist(table, new, "userIds")
        try:
            conversations.add_participants(table, conversation, new, clock.now_iso())
        except ConditionFailed:
            continue
        conversation = {**conversation, "participants": [*conversation["participants"], *new]}
        return view(conversation, membership)
    raise Conflict("the conversation changed meanwhile, try again", code="concurrent_change")


def remove_participant(table: Table, caller: Caller, conversation_id: str, user_id: str) -> None:
    """Leave a group, or remove another member of a group the caller is in."""
    require_membership(table, conversation_id, caller.user_id)
    rate_limits.check_action(table, caller.user_id, "participant_change")
    for _ in range(_RETRIES):
        conversation = conversations.get(table, conversation_id, consistent=True)
        if conversation is None:
            raise NotFound("no such conversation", code="conversation_not_found")
        if not conversation.get("isGroup"):
            raise InvalidInput(
                "the participants of a direct conversation are fixed",
                field="conversationId",
                code="not_a_group",
            )
        if user_id not in conversation["participants"]:
            raise NotFound("that user is not in this conversation", code="participant_not_found")
        try:
            conversations.remove_participant(table, conversation, user_id)
        except ConditionFailed:
            continue
        return
    raise Conflict("the conversation changed meanwhile, try again", code="concurrent_change")
