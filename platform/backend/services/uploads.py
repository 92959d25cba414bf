"""Presigned uploads and downloads: the policy enforces size and type; the key names the
purpose, the scope (conversation, call or user) and the owner."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import boto3
from aws_lambda_powertools.metrics import MetricUnit
from botocore.config import Config

from backend import clock, ids
from backend.auth.identity import Caller
from backend.errors import InvalidInput, NotFound, PayloadTooLarge
from backend.observability import metrics
from backend.services.conversations import require_membership
from backend.services.messages import attachment_prefix
from backend.services.profiles import avatar_prefix
from backend.settings import Settings, get_settings
from backend.snapstart import after_restore
from backend.store import calls, uploads
from backend.store.table import Table

ATTACHMENT, AVATAR, RECORDING = "attachment", "avatar", "recording"

_IMAGES = ("image/jpeg", "image/png", "image/gif", "image/webp", "image/heic")
ALLOWED_TYPES: dict[str, tuple[str, ...]] = {
    ATTACHMENT: (
        *_IMAGES,
        "video/mp4",
        "video/quicktime",
        "audio/mpeg",
        "audio/mp4",
        "audio/aac",
        "application/pdf",
        "text/plain",
    ),
    AVATAR: ("image/jpeg", "image/png", "image/webp"),
    RECORDING: ("audio/webm", "video/webm", "audio/mp4", "video/mp4"),
}
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


@lru_cache(maxsize=1)
def s3_client() -> Any:
    """The process's S3 client (SigV4, as presigned POST policies need)."""
    settings = get_settings()
    return boto3.client("s3", region_name=settings.region, config=Config(signature_version="s3v4"))


after_restore(s3_client.cache_clear)  # restored copies must not share the snapshot's connections


def recording_prefix(call_id: str) -> str:
    """S3 key prefix of a call's recordings."""
    return f"recording/{call_id}/"


@dataclass(frozen=True)
class UploadRequest:
    file_name: str
    content_type: str
    size: int
    purpose: str
    conversation_id: str | None = None
    call_id: str | None = None


def max_size(purpose: str, settings: Settings) -> int:
    """The largest file accepted for ``purpose``."""
    return {
        ATTACHMENT: settings.max_attachment_bytes,
        AVATAR: settings.max_avatar_bytes,
        RECORDING: settings.max_recording_bytes,
    }[purpose]


def _key(request: UploadRequest, caller: Caller, upload_id: str) -> str:
    name = _SAFE_NAME.sub("_", request.file_name).strip("._")[:100] or "file"
    if request.purpose == ATTACHMENT:
        assert request.conversation_id is not None
        return f"{attachment_prefix(request.conversation_id)}{caller.user_id}/{upload_id}/{name}"
    if request.purpose == RECORDING:
        assert request.call_id is not None
        return f"{recording_prefix(request.call_id)}{caller.user_id}/{upload_id}/{name}"
    return f"{avatar_prefix(caller.user_id)}{upload_id}/{name}"


def _check_scope(table: Table, caller: Caller, request: UploadRequest) -> None:
    if request.purpose == ATTACHMENT:
        if not request.conversation_id:
            raise InvalidInput("an attachment needs the conversationId it is for", field="conversationId")
        require_membership(table, request.conversation_id, caller.user_id)
    elif request.purpose == RECORDING:
        if not request.call_id:
            raise InvalidInput("a recording needs the callId it is for", field="callId")
        call = calls.get(table, request.call_id)
        if call is None or caller.user_id not in call.get("participants", []):
            raise NotFound("no such call", code="call_not_found")


def request_upload(table: Table, caller: Caller, request: UploadRequest, settings: Settings) -> dict[str, Any]:
    """A presigned POST for one file, after checking purpose, type, size and scope."""
    allowed = ALLOWED_TYPES[request.purpose]
    if request.content_type not in allowed:
        raise InvalidInput(
            f"{request.content_type!r} is not accepted for {request.purpose}; use one of {', '.join(allowed)}",
            field="contentType",
            code="unsupported_type",
        )
    limit = max_size(request.purpose, settings)
    if request.size > limit:
        raise PayloadTooLarge(f"{request.purpose} files are at most {limit} bytes", field="size")
    _check_scope(table, caller, request)
    upload_id = ids.new_id()
    key = _key(request, caller, upload_id)
    presigned = s3_client().generate_presigned_post(
        Bucket=settings.bucket_name,
        Key=key,
        Fields={"Content-Type": request.content_type},
        Conditions=[
            {"bucket": settings.bucket_name},
            ["eq", "$key", key],
            ["eq", "$Content-Type", request.content_type],
            # the declared size is the upper bound: a bigger body is refused by S3
            ["content-length-range", 1, request.size],
        ],
        ExpiresIn=settings.upload_url_ttl_s,
    )
    uploads.create(
        table,
        {
            "uploadId": upload_id,
            "ownerId": caller.user_id,
            "purpose": request.purpose,
            "key": key,
            "contentType": request.content_type,
            "size": request.size,
            "fileName": request.file_name,
            "conversationId": request.conversation_id,
            "callId": request.call_id,
            "createdAt": clock.now_iso(),
        },
    )
    if request.purpose == RECORDING and request.call_id:
        calls.add_recording(table, request.call_id, upload_id)
    metrics.add_metric(name="UploadsRequested", unit=MetricUnit.Count, value=1)
    # The declared size bounds what S3 will accept: the cost projection's S3 growth where
    # BucketSizeBytes is not available (the local twin; a bucket younger than a day).
    metrics.add_metric(name="UploadBytesRequested", unit=MetricUnit.Bytes, value=request.size)
    return {
        "uploadId": upload_id,
        "key": key,
        "url": presigned["url"],
        "fields": presigned["fields"],
        "expiresIn": settings.upload_url_ttl_s,
    }


def download(table: Table, caller: Caller, upload_id: str, settings: Settings) -> dict[str, Any]:
    """A presigned GET, only for those who may see the file (404 for everyone else)."""
    if not ids.is_id(upload_id):
        raise NotFound("no such upload", code="upload_not_found")
    upload = uploads.get(table, upload_id)
    if upload is None:
        raise NotFound("no such upload", code="upload_not_found")
    purpose = upload["purpose"]
    if purpose == ATTACHMENT:
        try:
            require_membership(table, upload["conversationId"], caller.user_id)
        except NotFound as error:
            raise NotFound("no such upload", code="upload_not_found") from error
    elif purpose == RECORDING:
        call = calls.get(table, upload["callId"])
        if call is None or caller.user_id not in call.get("participants", []):
            raise NotFound("no such upload", code="upload_not_found")
    # avatars are part of public profiles: any signed-in user may fetch them
    url = s3_client().generate_presigned_url(
        "get_object",
        Params={"Bucket": settings.bucket_name, "Key": upload["key"]},
        ExpiresIn=settings.download_url_ttl_s,
    )
    return {
        "uploadId": upload_id,
        "url": url,
        "expiresIn": settings.download_url_ttl_s,
        "contentType": upload["contentType"],
        "purpose": purpose,
    }
