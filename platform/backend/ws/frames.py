"""Client frames, one model per action (docs/api.md, WebSocket)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from backend.api.models.chat import Attachment, ClientMessageId

EntityId = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$")]


# SDP and ICE messages are a few levels deep; a payload nested much deeper is not a signal,
# and relaying it would make the peer's parser (and ours, re-encoding it) work for nothing.
MAX_SIGNAL_DEPTH = 16


def _depth(value: Any) -> int:
    """Nesting depth of a JSON value, without recursion (so any depth is measured safely)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        current, level = stack.pop()
        if isinstance(current, dict):
            children = list(current.values())
        elif isinstance(current, list):
            children = current
        else:
            continue
        deepest = max(deepest, level)
        if deepest > MAX_SIGNAL_DEPTH:
            return deepest
        stack.extend((child, level + 1) for child in children)
    return deepest


class _Frame(BaseModel):
    # Unknown fields are ignored so that newer clients keep working with older servers.
    model_config = ConfigDict(extra="ignore")


class SendMessageFrame(_Frame):
    action: Literal["sendMessage"]
    conversationId: EntityId
    clientMessageId: ClientMessageId
    content: Annotated[str, StringConstraints(max_length=1_000_000)] = ""
    attachments: list[Attachment] = Field([], max_length=100)  # pydantic copies defaults


class TypingFrame(_Frame):
    action: Literal["typing"]
    conversationId: EntityId


class MarkReadFrame(_Frame):
    action: Literal["markRead"]
    conversationId: EntityId
    messageId: Annotated[str, StringConstraints(min_length=1, max_length=64)]


class CallSignalFrame(_Frame):
    action: Literal["callSignal"]
    callId: EntityId
    signalType: Literal["offer", "answer", "ice", "hangup"]
    payload: Any = None

    @field_validator("payload")
    @classmethod
    def _shallow(cls, payload: Any) -> Any:
        if _depth(payload) > MAX_SIGNAL_DEPTH:
            raise ValueError(f"nested deeper than {MAX_SIGNAL_DEPTH} levels")
        return payload


class PingFrame(_Frame):
    action: Literal["ping"]


FRAMES: dict[str, type[_Frame]] = {
    "sendMessage": SendMessageFrame,
    "typing": TypingFrame,
    "markRead": MarkReadFrame,
    "callSignal": CallSignalFrame,
    "ping": PingFrame,
}
