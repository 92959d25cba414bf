"""Bodies of the chat function's routes."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from backend.api.models.common import FileSize, Name, UserId, _In

ClientMessageId = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")]
ObjectKey = Annotated[str, StringConstraints(min_length=1, max_length=512)]


class ProfilePatch(_In):
    name: Name | None = None
    avatarKey: ObjectKey | None = None


class CreateConversationIn(_In):
    participantIds: list[UserId] = Field(min_length=1, max_length=100)
    name: Name | None = None
    isGroup: bool | None = None


class AddParticipantsIn(_In):
    userIds: list[UserId] = Field(min_length=1, max_length=100)


class Attachment(_In):
    key: ObjectKey
    contentType: Annotated[str, StringConstraints(max_length=128)] | None = None
    size: FileSize | None = None
    fileName: Annotated[str, StringConstraints(max_length=255)] | None = None


class SendMessageIn(_In):
    clientMessageId: ClientMessageId
    # The length limit is configuration (MAX_MESSAGE_LENGTH) and answered with 413 by the
    # service; the bound here only stops absurd bodies before they are parsed further.
    content: Annotated[str, StringConstraints(max_length=1_000_000)] = ""
    attachments: list[Attachment] = Field([], max_length=100)  # pydantic copies defaults


class MarkReadIn(_In):
    messageId: Annotated[str, StringConstraints(min_length=1, max_length=64)]


# Responses (documentation of the contract; the OpenAPI document is generated from them).


class ProfileOut(BaseModel):
    userId: str
    email: str | None = None
    name: str
    avatarKey: str | None = None


class PublicProfileOut(BaseModel):
    userId: str
    name: str
    avatarKey: str | None = None


class LastMessageOut(BaseModel):
    messageId: str
    senderId: str
    content: str
    createdAt: str


class ConversationOut(BaseModel):
    conversationId: str
    name: str | None = None
    isGroup: bool
    participants: list[str]
    createdAt: str | None = None
    lastMessage: LastMessageOut | None = None
    lastActivityAt: str | None = None
    unreadCount: int


class ConversationPage(BaseModel):
    items: list[ConversationOut]
    nextCursor: str | None = None


class MessageOut(BaseModel):
    messageId: str
    conversationId: str
    senderId: str
    content: str
    attachments: list[Attachment]
    clientMessageId: str
    createdAt: str


class MessagePage(BaseModel):
    items: list[MessageOut]
    nextCursor: str | None = None
