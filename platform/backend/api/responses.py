"""OpenAPI response declarations shared by the routes (documentation only)."""

from __future__ import annotations

from typing import Any

from backend.api.models.common import ErrorOut


def ok(status: int, description: str, model: type | None = None, *errors: int) -> dict[int, Any]:
    """``responses=`` for a route: its success answer and the error statuses it can give."""
    success: dict[str, Any] = {"description": description}
    if model is not None:
        success["content"] = {"application/json": {"model": model}}
    out: dict[int, Any] = {status: success}
    # Every route can answer: 400 malformed_json (any body may be unreadable), 422, 429 (the
    # stage's throttling, or a per-user limit) and 503 (a dependency still busy after retries).
    for code in sorted({*errors, 400, 422, 429, 503}):
        answer: dict[str, Any] = {
            "description": _ERRORS.get(code, "error"),
            "content": {"application/json": {"model": ErrorOut}},
        }
        if code in (429, 503):
            answer["headers"] = {"Retry-After": _RETRY_AFTER}
        out[code] = answer
    return out


_RETRY_AFTER = {"description": "seconds to wait before retrying", "schema": {"type": "integer"}}


_ERRORS = {
    400: "invalid input (the field is named)",
    401: "missing, invalid or expired token",
    403: "not allowed",
    404: "not found (also for resources of other users)",
    409: "conflict",
    413: "payload too large",
    422: "validation failed (the field is named)",
    429: "throttled (stage throttling or a per-user rate limit); retry after Retry-After seconds",
    503: "a service the API depends on is busy; retry after Retry-After seconds",
}
