"""API Gateway's own answers, in the API's one error shape.

API Gateway answers some requests without invoking a function: the Cognito authorizer's 401,
throttling, WAF blocks, unknown routes, parameter validation, integration failures. docs/api.md asks
for ``{"error": {"code", "message"}}`` on every route, so each of those answers is configured
here once. The CloudFormation template turns this table into ``AWS::ApiGateway::GatewayResponse``
resources, and the local API Gateway answers from the same table, so both give the same body.
"""

from __future__ import annotations

import json
from dataclasses import dataclass


@dataclass(frozen=True)
class GatewayResponse:
    """One gateway answer: its status (None keeps the status API Gateway chose), stable code
    and human-readable message."""

    status: int | None
    code: str
    message: str

    def body(self) -> dict[str, dict[str, str]]:
        """The answer's JSON body in the API's error shape."""
        return {"error": {"code": self.code, "message": self.message}}

    def body_json(self) -> str:
        """The body as compact JSON text (what the response template returns)."""
        return json.dumps(self.body(), separators=(",", ":"), sort_keys=True)


# Keys are API Gateway's GatewayResponseType values. Statuses follow docs/api.md: every token problem
# is 401 (API Gateway's defaults give 403 for some), an unknown route is 404 (API Gateway's default
# is a 403 "Missing Authentication Token").
GATEWAY_RESPONSES: dict[str, GatewayResponse] = {
    "UNAUTHORIZED": GatewayResponse(401, "unauthorized", "this route needs a valid token in the Authorization header"),
    "EXPIRED_TOKEN": GatewayResponse(401, "token_expired", "the token has expired; refresh it and retry"),
    "INVALID_SIGNATURE": GatewayResponse(401, "unauthorized", "the token's signature is not valid"),
    "ACCESS_DENIED": GatewayResponse(403, "forbidden", "the caller may not use this route"),
    "WAF_FILTERED": GatewayResponse(403, "forbidden", "the request was blocked by the firewall"),
    "MISSING_AUTHENTICATION_TOKEN": GatewayResponse(404, "route_not_found", "no route for this method and path"),
    "RESOURCE_NOT_FOUND": GatewayResponse(404, "route_not_found", "no route for this method and path"),
    "BAD_REQUEST_PARAMETERS": GatewayResponse(
        400, "validation_error", "a required path, query or header parameter is missing"
    ),
    "BAD_REQUEST_BODY": GatewayResponse(400, "validation_error", "the request body is not valid"),
    "REQUEST_TOO_LARGE": GatewayResponse(413, "payload_too_large", "the request is too large"),
    "UNSUPPORTED_MEDIA_TYPE": GatewayResponse(415, "unsupported_media_type", "send the body as application/json"),
    "THROTTLED": GatewayResponse(429, "throttled", "too many requests; slow down and retry"),
    "QUOTA_EXCEEDED": GatewayResponse(429, "quota_exceeded", "the request quota is used up; retry later"),
    "INTEGRATION_FAILURE": GatewayResponse(502, "integration_failure", "the service failed to answer; retry later"),
    "INTEGRATION_TIMEOUT": GatewayResponse(504, "integration_timeout", "the service took too long; retry later"),
    "AUTHORIZER_FAILURE": GatewayResponse(500, "internal_error", "the token could not be checked; retry later"),
    "AUTHORIZER_CONFIGURATION_ERROR": GatewayResponse(
        500, "internal_error", "the token could not be checked; retry later"
    ),
    "DEFAULT_4XX": GatewayResponse(None, "bad_request", "the request could not be processed"),
    "DEFAULT_5XX": GatewayResponse(None, "internal_error", "something went wrong on our side; retry later"),
}


def gateway_response(response_type: str) -> GatewayResponse:
    """The answer for ``response_type``; KeyError naming the known types otherwise."""
    try:
        return GATEWAY_RESPONSES[response_type]
    except KeyError:
        known = ", ".join(sorted(GATEWAY_RESPONSES))
        raise KeyError(f"no gateway response {response_type!r} (known: {known})") from None
