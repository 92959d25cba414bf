"""The REST resolver: Powertools' validating resolver, CORS, and the one place where domain
errors, validation failures and surprises become the API's error shape."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig, Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from botocore.exceptions import ClientError

from backend.auth.identity import Caller, caller_from_claims
from backend.auth.revocation import require_not_revoked
from backend.errors import AppError, NotFound, PayloadTooLarge, UnsupportedMediaType
from backend.faults import dependency_busy
from backend.observability import logger, tracer
from backend.settings import get_settings
from backend.store.table import get_table

MAX_BODY_BYTES = 256 * 1024
JSON_MEDIA_TYPE = "application/json"


def json_response(status: int, body: Any = None, headers: dict[str, str] | None = None) -> Response:
    """A JSON answer (no body for 204)."""
    return Response(
        status_code=status,
        content_type=content_types.APPLICATION_JSON,
        body=None if body is None else json.dumps(body, separators=(",", ":")),
        headers=headers,
    )


def error_response(error: AppError) -> Response:
    """The API's one error shape for a domain error (with Retry-After when it applies)."""
    tracer.put_annotation("outcome", error.code)
    headers = {"Retry-After": str(error.retry_after)} if error.retry_after is not None else None
    return json_response(error.status, error.to_body(), headers)


def _field_of(location: Iterable[Any]) -> str:
    parts = [str(p) for p in location if p not in ("body", "query", "path", "header")]
    out = ""
    for part in parts:
        out += f"[{part}]" if part.isdigit() else (f".{part}" if out else part)
    return out or "body"


def _validation_response(error: RequestValidationError) -> Response:
    first = error.errors()[0] if error.errors() else {"loc": ("body",), "msg": "invalid request", "type": ""}
    if first.get("type") == "json_invalid":
        return error_response(AppError("the body is not valid JSON", field="body", code="malformed_json"))
    location = tuple(first.get("loc", ("body",)))
    field = _field_of(location)
    kind = first.get("type", "")
    message = f"{field}: {first.get('msg', 'is invalid')}"
    if kind == "missing":
        message = f"{field} is required"
    elif kind == "extra_forbidden":
        message = f"{field} is not a known field"
    body = {"error": {"code": "validation_error", "message": message, "field": field}}
    tracer.put_annotation("outcome", "validation_error")
    return json_response(422, body)


def current_caller(router: APIGatewayRestResolver | Router) -> Caller:
    """The authenticated caller of the current request (claims from the Cognito authorizer);
    TokenRevoked when the token's session has logged out since."""
    event = router.current_event
    authorizer = event.request_context.authorizer  # type: ignore[attr-defined]
    claims = authorizer.claims if authorizer is not None else None
    caller = caller_from_claims(claims)
    logger.append_keys(user_id=caller.user_id)
    require_not_revoked(get_table(), caller.user_id, caller.session_start)
    return caller


def build_resolver(*routers: Router) -> APIGatewayRestResolver:
    """A validating resolver serving ``routers`` with the API's error handling and CORS."""
    settings = get_settings()
    origins = settings.cors_origins
    cors = CORSConfig(
        allow_origin=origins[0] if origins else "*",
        extra_origins=origins[1:],
        allow_headers=["Authorization", "Content-Type", "X-Correlation-Id"],
        max_age=600,
    )
    app = APIGatewayRestResolver(enable_validation=True, cors=cors)
    for router in routers:
        app.include_router(router)

    @app.exception_handler(AppError)
    def _domain_error(error: AppError) -> Response:
        logger.info("request refused", extra={"error_code": error.code, "status": error.status})
        return error_response(error)

    @app.exception_handler(RequestValidationError)
    def _invalid_request(error: RequestValidationError) -> Response:
        return _validation_response(error)

    @app.exception_handler([UnicodeDecodeError, RecursionError])
    def _undecodable_body(_: Exception) -> Response:
        # a body that is not UTF-8 (it reaches the function base64-encoded), or JSON nested
        # deeper than the parser goes, is not JSON this API can read either
        return error_response(AppError("the body is not valid JSON", field="body", code="malformed_json"))

    @app.not_found
    def _no_route(_: NotFoundError) -> Response:
        event = app.current_event
        return error_response(NotFound(f"no route for {event.http_method} {event.path}", code="route_not_found"))

    @app.exception_handler(ClientError)
    def _aws_error(error: ClientError) -> Response:
        busy = dependency_busy(error)
        if busy is not None:
            return error_response(busy)
        return _unexpected(error)

    @app.exception_handler(Exception)
    def _unexpected(error: Exception) -> Response:
        logger.exception("unhandled error")
        tracer.put_annotation("outcome", "internal_error")
        return json_response(
            500,
            {"error": {"code": "internal_error", "message": "something went wrong on our side; retry later"}},
        )

    return app


def _body_routes(app: APIGatewayRestResolver) -> set[tuple[str, str]]:
    """(method, resource template) of every route that reads a body."""
    return {
        (route.method, re.sub(r"<(\w+)>", r"{\1}", route.path))
        for route in app._static_routes + app._dynamic_routes
        if route.body_field is not None
    }


def _refusal(error: AppError) -> dict[str, Any]:
    return {
        "statusCode": error.status,
        "headers": {"Content-Type": content_types.APPLICATION_JSON},
        "body": json.dumps(error.to_body()),
    }


def _unsupported_media_type(event: dict[str, Any], body: str, body_routes: set[tuple[str, str]]) -> AppError | None:
    """415 for a body that is not declared ``application/json`` (a charset parameter is fine):
    on a route that reads a body whatever the body, elsewhere when there is a body at all."""
    headers = {str(k).lower(): v for k, v in (event.get("headers") or {}).items()}
    declared = headers.get("content-type")
    reads_body = (event.get("httpMethod"), event.get("resource")) in body_routes
    if not body and (declared is None or not reads_body):
        return None
    media_type = str(declared or "").split(";", 1)[0].strip().lower()
    if media_type == JSON_MEDIA_TYPE:
        return None
    shown = f"{media_type!r}" if media_type else "no content type"
    return UnsupportedMediaType(
        f"bodies must be sent as {JSON_MEDIA_TYPE} (got {shown}): set Content-Type: {JSON_MEDIA_TYPE}",
        field="Content-Type",
    )


def resolve_with(app: APIGatewayRestResolver) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    """``app.resolve`` behind a body-size check (413 before any parsing of a huge body) and
    a content-type check (415 for a body that is not JSON)."""
    body_routes: set[tuple[str, str]] | None = None

    def resolve(event: dict[str, Any], context: Any) -> dict[str, Any]:
        nonlocal body_routes
        body = event.get("body") or ""
        if len(body) > MAX_BODY_BYTES:
            return _refusal(PayloadTooLarge(f"the body is over {MAX_BODY_BYTES} bytes", field="body"))
        if body_routes is None:
            body_routes = _body_routes(app)
        unsupported = _unsupported_media_type(event, body, body_routes)
        if unsupported is not None:
            tracer.put_annotation("outcome", unsupported.code)
            return _refusal(unsupported)
        tracer.put_annotation("route", f"{event.get('httpMethod')} {event.get('resource')}")
        response = app.resolve(event, context)
        tracer.put_annotation("status_code", str(response.get("statusCode", 0)))
        if int(response.get("statusCode", 0)) < 400:
            tracer.put_annotation("outcome", "ok")
        return response

    return resolve


def prime(app: APIGatewayRestResolver) -> None:
    """Build every route's validation model now (pure CPU, no I/O), so the first request
    after a warm-up ping does not pay for it."""
    for route in app._static_routes + app._dynamic_routes:
        _ = route.dependant
        _ = route.body_field
