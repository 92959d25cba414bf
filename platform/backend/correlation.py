"""The correlation id a request's log lines carry.

By default it is the API request id (``requestContext.requestId``, set by Powertools). A client
may name its own so that one user action that spans functions reads as one trace: the REST
header ``X-Correlation-Id``, or ``correlationId`` in a WebSocket frame. The events a function
pushes to connections carry the id of the request that caused them (``correlationId``), so a
client that acts on one (a reply, a read marker) can send it back.
"""

from __future__ import annotations

import json
import re
from typing import Any

HEADER = "x-correlation-id"
FRAME_FIELD = "correlationId"
# What a client may send: short, and safe to print and to search for in logs.
_VALID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def supplied(event: dict[str, Any]) -> str | None:
    """The correlation id the caller named in ``event`` (header or frame field), if valid."""
    headers = event.get("headers")
    if isinstance(headers, dict):
        for name, value in headers.items():
            if str(name).lower() == HEADER and isinstance(value, str) and _VALID.match(value):
                return value
    context = event.get("requestContext")
    body = event.get("body")
    if not (isinstance(context, dict) and "connectionId" in context and isinstance(body, str)):
        return None  # frames are WebSocket events' bodies
    if FRAME_FIELD not in body:
        return None  # most frames name none: skip parsing them twice
    try:
        frame = json.loads(body)
    except ValueError:
        return None
    value = frame.get(FRAME_FIELD) if isinstance(frame, dict) else None
    return value if isinstance(value, str) and _VALID.match(value) else None
