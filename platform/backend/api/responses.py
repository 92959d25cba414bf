"""OpenAPI response declarations shared by the routes (documentation only).

The error answers point at the ErrorOut schema by reference instead of naming the model:
a model in ``responses=`` makes Powertools build a validation field for it when the route is
compiled, about a dozen per route, which cost about 20 ms of every cold start and served
only the document. ``ops.openapi`` adds the referenced schemas to the document's components.
"""

from __future__ import annotations

from typing import Any

from backend.api.models.common import ErrorOut

# Models that responses refer to by ``$ref`` only; the document generator must publish them.
REFERENCED_MODELS: tuple[type, ...] = (ErrorOut,)
_ERROR_CONTENT = {"application/json": {"schema": {"$ref": f"#/components/schemas/{ErrorOut.__name__}"}}}


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
            "content": _ERROR_CONTENT,
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
