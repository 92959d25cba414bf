"""Client frames, one model per action (docs/api.md, WebSocket)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from backend.api.models.chat import Attachment, ClientMessageId

EntityId = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$")]


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


class PingFrame(_Frame):
    action: Literal["ping"]


FRAMES: dict[str, type[_Frame]] = {
    "sendMessage": SendMessageFrame,
    "typing": TypingFrame,
    "markRead": MarkReadFrame,
    "callSignal": CallSignalFrame,
    "ping": PingFrame,
}
