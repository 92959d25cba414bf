"""Routes for presigned uploads and downloads (served by the uploads function)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path

from backend.api.models.calls import DownloadOut, UploadIn, UploadOut
from backend.api.resolver import current_caller, json_response
from backend.api.responses import ok
from backend.services import uploads
from backend.settings import get_settings
from backend.store.table import get_table

router = Router()


@router.post(
    "/uploads",
    responses=ok(201, "a presigned POST enforcing size and type", UploadOut, 400, 401, 404, 413),
    tags=["uploads"],
)
def request_upload(body: Annotated[UploadIn, Body()]):
    request = uploads.UploadRequest(
        file_name=body.fileName,
        content_type=body.contentType,
        size=body.size,
        purpose=body.purpose,
        conversation_id=body.conversationId,
        call_id=body.callId,
    )
    return json_response(201, uploads.request_upload(get_table(), current_caller(router), request, get_settings()))


@router.get("/uploads/<uploadId>", responses=ok(200, "a presigned GET", DownloadOut, 401, 404), tags=["uploads"])
def download(uploadId: Annotated[str, Path(min_length=1, max_length=64)]):
    return json_response(200, uploads.download(get_table(), current_caller(router), uploadId, get_settings()))
