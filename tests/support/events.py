"""Builders for Lambda events, starting from the JSON samples in tests/events/."""

from __future__ import annotations

import copy
import json
import re
import uuid
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from infra import STACK

EVENTS = Path(__file__).resolve().parent.parent / "events"


@cache
def _sample(name: str) -> dict[str, Any]:
    return json.loads((EVENTS / name).read_text())


def sample(name: str) -> dict[str, Any]:
    """A fresh copy of a sample event."""
    return copy.deepcopy(_sample(name))


def _template_for(method: str, path: str) -> tuple[str, dict[str, str]]:
    for route, _ in STACK.rest_routes():
        if route.method != method:
            continue
        pattern = "^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(route.path)) + "$"
        match = re.match(pattern, path)
        if match:
            return route.path, match.groupdict()
    return path, {}


def rest_event(
    method: str,
    url: str,
    body: Any = None,
    *,
    token: str | None = None,
    headers: dict[str, str] | None = None,
    raw_body: str | None = None,
) -> dict[str, Any]:
    """A REST proxy (v1) event as API Gateway sends it, for ``method url``."""
    parts = urlsplit(url)
    event = sample("rest_request.json")
    resource, params = _template_for(method, parts.path)
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()} or None
    all_headers = dict(event["headers"])
    if body is not None or raw_body is not None:
        all_headers["Content-Type"] = "application/json"
    if token is not None:
        all_headers["Authorization"] = f"Bearer {token}"
    all_headers.update(headers or {})
    event.update(
        resource=resource,
        path=parts.path,
        httpMethod=method,
        headers=all_headers,
        multiValueHeaders={k: [v] for k, v in all_headers.items()},
        queryStringParameters=query,
        multiValueQueryStringParameters=dict(parse_qs(parts.query)) or None,
        pathParameters=params or None,
        body=raw_body if raw_body is not None else (json.dumps(body) if body is not None else None),
    )
    event["requestContext"].update(resourcePath=resource, httpMethod=method, requestId=str(uuid.uuid4()))
    return event
