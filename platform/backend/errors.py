"""Domain errors. Raised deep in services, turned into HTTP or WebSocket answers in one place."""

from __future__ import annotations


class AppError(Exception):
    """A failure the client caused or must know about; carries its status and stable code."""

    status = 400
    code = "bad_request"

    def __init__(
        self, message: str, *, field: str | None = None, code: str | None = None, retry_after: int | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        # seconds after which a retry may succeed (429, 503): sent as Retry-After
        self.retry_after = retry_after
        if code is not None:
            self.code = code

    def to_body(self) -> dict[str, dict[str, str]]:
        """The one error shape of the API: ``{"error": {"code", "message"[, "field"]}}``."""
        error = {"code": self.code, "message": self.message}
        if self.field:
            error["field"] = self.field
        return {"error": error}


class InvalidInput(AppError):
    status = 400
    code = "invalid_input"


class Unauthorized(AppError):
    status = 401
    code = "unauthorized"


class Forbidden(AppError):
    status = 403
    code = "forbidden"


class NotFound(AppError):
    status = 404
    code = "not_found"


class Conflict(AppError):
    status = 409
    code = "conflict"


class PayloadTooLarge(AppError):
    status = 413
    code = "payload_too_large"


class UnsupportedMediaType(AppError):
    status = 415
    code = "unsupported_media_type"


class TooManyRequests(AppError):
    status = 429
    code = "throttled"


class ServiceUnavailable(AppError):
    """A dependency is overloaded or down after bounded retries: try again shortly."""

    status = 503
    code = "service_unavailable"
