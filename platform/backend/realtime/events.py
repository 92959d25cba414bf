"""The server events of docs/api.md, built in one place so their shapes cannot drift."""

from __future__ import annotations

from typing import Any

Event = dict[str, Any]


def message_new(message: dict[str, Any]) -> Event:
    return {"type": "message.new", "message": message}


def message_ack(client_message_id: str, message_id: str, message: dict[str, Any]) -> Event:
    return {
        "type": "message.ack",
        "clientMessageId": client_message_id,
        "messageId": message_id,
        "message": message,
    }


def typing(conversation_id: str, user_id: str) -> Event:
    return {"type": "typing", "conversationId": conversation_id, "userId": user_id}


def message_read(conversation_id: str, user_id: str, message_id: str) -> Event:
    return {
        "type": "message.read",
        "conversationId": conversation_id,
        "userId": user_id,
        "messageId": message_id,
    }


def call_event(status_event: str, call: dict[str, Any]) -> Event:
    """``call.incoming``, ``call.accepted``, ``call.declined``, ``call.ended`` or ``call.missed``."""
    return {"type": f"call.{status_event}", "call": call}


def call_signal(call_id: str, sender_id: str, signal_type: str, payload: Any) -> Event:
    return {
        "type": "call.signal",
        "callId": call_id,
        "from": sender_id,
        "signalType": signal_type,
        "payload": payload,
    }


def pong() -> Event:
    return {"type": "pong"}


def error(
    code: str, message: str, field: str | None = None, action: str | None = None, retry_after: int | None = None
) -> Event:
    event: Event = {"type": "error", "code": code, "message": message}
    if field:
        event["field"] = field
    if action:
        event["action"] = action
    if retry_after is not None:
        event["retryAfter"] = retry_after
    return event
