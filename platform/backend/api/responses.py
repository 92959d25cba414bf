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
    # 400 malformed_json: any request can carry a body that is not JSON (or not UTF-8)
    for code in sorted({*errors, 400, 422}):
        out[code] = {
            "description": _ERRORS.get(code, "error"),
            "content": {"application/json": {"model": ErrorOut}},
        }
    return out


_ERRORS = {
    400: "invalid input (the field is named)",
    401: "missing, invalid or expired token",
    403: "not allowed",
    404: "not found (also for resources of other users)",
    409: "conflict",
    413: "payload too large",
    422: "validation failed (the field is named)",
    429: "throttled",
}
