"""REST proxy integration (payload v1): route matching on the model's path templates, the
event API Gateway builds for a request, and the checks it applies to the function's answer."""

from __future__ import annotations

import base64
import re
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from infra.model import Function, RestRoute, Stack

from ops.local import names

_TEXT_TYPES = ("application/json", "text/", "application/x-www-form-urlencoded", "application/xml")


@dataclass(frozen=True)
class MatchedRoute:
    """A request's route, the function behind it and the path parameters."""

    route: RestRoute
    function: Function
    path_parameters: dict[str, str]


class RouteTable:
    """The REST API's resources and methods, from the stack model."""

    def __init__(self, stack: Stack) -> None:
        self._routes: list[tuple[re.Pattern[str], RestRoute, Function]] = []
        for route, function in stack.rest_routes():
            pattern = "^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(route.path)) + r"/?\Z"
            self._routes.append((re.compile(pattern), route, function))

    def match(self, method: str, path: str) -> MatchedRoute | None:
        """The route serving ``method path``, or None (API Gateway's missing-route answer).

        As in API Gateway, a literal path segment wins over a ``{param}`` one
        (``/calls/ice-servers`` before ``/calls/{callId}``), whatever the declaration order.
        """
        best: MatchedRoute | None = None
        best_params = 0
        for pattern, route, function in self._routes:
            if route.method != method:
                continue
            found = pattern.match(path)
            if found and (best is None or len(found.groupdict()) < best_params):
                best = MatchedRoute(route, function, dict(found.groupdict()))
                best_params = len(best.path_parameters)
        return best

    def methods_for(self, path: str) -> list[str]:
        """Methods the resource at ``path`` has (for CORS preflight); [] for no resource."""
        return sorted({route.method for pattern, route, _ in self._routes if pattern.match(path)})


def canonical_header(name: str) -> str:
    """``content-type`` -> ``Content-Type``: how clients usually spell them, as they reach
    the function through API Gateway."""
    return "-".join(part[:1].upper() + part[1:] for part in name.split("-"))


def is_text(content_type: str | None) -> bool:
    """True when a body of this type reaches the function as text, not base64."""
    return content_type is None or content_type.lower().startswith(_TEXT_TYPES)


def single_and_multi(pairs: Iterable[tuple[str, str]]) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Name/value pairs as API Gateway hands them over: the last value of each name, and all
    values of each name (``headers`` / ``multiValueHeaders``, the same for query strings)."""
    single: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    for name, value in pairs:
        single[name] = value
        multi.setdefault(name, []).append(value)
    return single, multi


def build_event(
    stack: Stack,
    matched: MatchedRoute,
    *,
    method: str,
    path: str,
    query: Iterable[tuple[str, str]],
    headers: Iterable[tuple[str, str]],
    body: bytes,
    source_ip: str,
    host: str,
    request_id: str,
) -> dict[str, Any]:
    """The REST proxy event (v1) for a request."""
    single, multi = single_and_multi((canonical_header(name), value) for name, value in headers)
    query_single, query_multi = single_and_multi(query)
    encoded_body: str | None = None
    is_base64 = False
    if body:
        content_type = single.get("Content-Type")
        try:
            encoded_body = body.decode("utf-8") if is_text(content_type) else None
        except UnicodeDecodeError:
            encoded_body = None
        if encoded_body is None:
            encoded_body, is_base64 = base64.b64encode(body).decode(), True
    now = time.time()
    stage = stack.rest_api.stage
    return {
        "resource": matched.route.path,
        "path": path,
        "httpMethod": method,
        "headers": single or None,
        "multiValueHeaders": multi or None,
        "queryStringParameters": query_single or None,
        "multiValueQueryStringParameters": query_multi or None,
        "pathParameters": matched.path_parameters or None,
        "stageVariables": None,
        "requestContext": {
            "resourceId": matched.route.path,
            "resourcePath": matched.route.path,
            "httpMethod": method,
            "extendedRequestId": request_id,
            "requestTime": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "path": f"/{stage}{path}",
            "accountId": names.ACCOUNT_ID,
            "protocol": "HTTP/1.1",
            "stage": stage,
            "domainPrefix": host.split(".")[0].split(":")[0],
            "requestTimeEpoch": int(now * 1000),
            "requestId": request_id,
            "identity": {
                "sourceIp": source_ip,
                "userAgent": single.get("User-Agent"),
                "cognitoIdentityPoolId": None,
                "accountId": None,
                "caller": None,
                "user": None,
                "userArn": None,
            },
            "domainName": host,
            "apiId": names.rest_api_id(stack),
        },
        "body": encoded_body,
        "isBase64Encoded": is_base64,
    }


class MalformedResponse(Exception):
    """The function's answer is not a valid proxy response (API Gateway answers 502)."""


@dataclass(frozen=True)
class ProxyResponse:
    """A valid proxy answer, ready to send."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes


def parse_response(result: Any) -> ProxyResponse:
    """Check the function's answer the way API Gateway does and turn it into HTTP."""
    if not isinstance(result, dict):
        raise MalformedResponse("the answer is not a JSON object")
    unknown = set(result) - {"statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded", "cookies"}
    if unknown:
        raise MalformedResponse(f"unknown fields: {', '.join(sorted(unknown))}")
    status = result.get("statusCode")
    if isinstance(status, str) and status.isdigit():
        status = int(status)
    if not isinstance(status, int) or not 100 <= status <= 599:
        raise MalformedResponse("statusCode is missing or not a status")
    headers: list[tuple[str, str]] = []
    for name, value in (result.get("headers") or {}).items():
        headers.append((str(name), str(value)))
    for name, values in (result.get("multiValueHeaders") or {}).items():
        if not isinstance(values, list):
            raise MalformedResponse("multiValueHeaders values must be lists")
        single_names = {h.lower() for h, _ in headers}
        if name.lower() in single_names:
            headers = [(h, v) for h, v in headers if h.lower() != name.lower()]
        headers.extend((str(name), str(v)) for v in values)
    body = result.get("body")
    if body is not None and not isinstance(body, str):
        raise MalformedResponse("body must be a string")
    raw = b""
    if body:
        raw = base64.b64decode(body) if result.get("isBase64Encoded") else body.encode("utf-8")
    return ProxyResponse(status, headers, raw)


def new_request_id() -> str:
    """An API Gateway request id."""
    return str(uuid.uuid4())
