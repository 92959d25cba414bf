"""A message's attachments as they are stored: each key must name an object in the bucket,
under the conversation's prefix, and its type, size and name are read from the object and
its key, not taken from the client."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from backend.errors import InvalidInput
from backend.settings import Settings


def resolve(attachments: list[dict[str, Any]], settings: Settings) -> list[dict[str, Any]]:
    """The attachments with ``contentType`` and ``size`` from S3 (one HeadObject each) and
    ``fileName`` from the key; InvalidInput naming the attachment whose object is missing."""
    from backend.services.uploads import s3_client  # uploads imports the message rules

    resolved = []
    for index, attachment in enumerate(attachments):
        key = str(attachment["key"])
        try:
            head = s3_client().head_object(Bucket=settings.bucket_name, Key=key)
        except ClientError as error:
            status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
            code = str(error.response.get("Error", {}).get("Code", ""))
            if status in (403, 404) or code in ("404", "NoSuchKey", "NotFound"):
                raise InvalidInput(
                    "no uploaded file has this key: upload it first (POST /uploads), then send",
                    field=f"attachments[{index}].key",
                    code="attachment_not_found",
                ) from error
            raise
        resolved.append(
            {
                "key": key,
                "contentType": head.get("ContentType") or "application/octet-stream",
                "size": int(head.get("ContentLength", 0)),
                "fileName": key.rsplit("/", 1)[-1],
            }
        )
    return resolved
