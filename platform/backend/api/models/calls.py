"""Bodies of the call routes and of uploads."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints

from backend.api.models.common import MAX_FILE_BYTES, _In

EntityId = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$")]


class StartCallIn(_In):
    conversationId: EntityId
    media: Literal["audio", "video"]


class CallOut(BaseModel):
    callId: str
    conversationId: str
    callerId: str
    media: Literal["audio", "video"]
    status: Literal["ringing", "active", "declined", "missed", "ended"]
    participants: list[str]
    createdAt: str
    startedAt: str | None = None
    endedAt: str | None = None
    durationSeconds: int | None = None
    answeredBy: str | None = None
    endedBy: str | None = None
    recordings: list[str] = []  # pydantic copies defaults


class CallPage(BaseModel):
    items: list[CallOut]
    nextCursor: str | None = None


class IceServer(BaseModel):
    urls: list[str]
    username: str | None = None
    credential: str | None = None
    ttl: int | None = None


class IceServersOut(BaseModel):
    iceServers: list[IceServer]


class UploadIn(_In):
    fileName: Annotated[str, StringConstraints(min_length=1, max_length=255)]
    contentType: Annotated[str, StringConstraints(min_length=3, max_length=128)]
    size: Annotated[int, Field(ge=1, le=MAX_FILE_BYTES)]
    purpose: Literal["attachment", "avatar", "recording"]
    conversationId: EntityId | None = None
    callId: EntityId | None = None


class UploadOut(BaseModel):
    uploadId: str
    key: str
    url: str
    fields: dict[str, Any]
    expiresIn: int


class DownloadOut(BaseModel):
    uploadId: str
    url: str
    expiresIn: int
    contentType: str
    purpose: str
