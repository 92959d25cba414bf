"""API Gateway's own answers as GatewayResponses, from ``infra.gateway_responses``."""

from __future__ import annotations

from typing import Any

from infra.gateway_responses import GATEWAY_RESPONSES
from infra.template import cors, names
from infra.template.context import SynthContext
from infra.template.intrinsics import ref


def gateway_responses(ctx: SynthContext) -> dict[str, Any]:
    """One ``AWS::ApiGateway::GatewayResponse`` per entry of ``GATEWAY_RESPONSES``."""
    api = ctx.stack.rest_api.logical_name
    # A gateway response cannot choose among several origins (the functions' answers can, and
    # echo any configured origin): the primary, first, origin may read gateway errors.
    primary_origin = cors.primary_origin(ctx)
    headers = {
        "gatewayresponse.header.Access-Control-Allow-Origin": {"Fn::Sub": ["'${Origin}'", {"Origin": primary_origin}]},
        "gatewayresponse.header.Access-Control-Allow-Headers": "'Authorization,Content-Type,X-Correlation-Id'",
    }
    out: dict[str, Any] = {}
    for response_type, response in GATEWAY_RESPONSES.items():
        properties: dict[str, Any] = {
            "RestApiId": ref(api),
            "ResponseType": response_type,
            "ResponseTemplates": {"application/json": response.body_json()},
            "ResponseParameters": headers,
        }
        if response.status is not None:
            properties["StatusCode"] = str(response.status)
        out[f"{api}Response{names.camel(response_type.lower())}"] = {
            "Type": "AWS::ApiGateway::GatewayResponse",
            "Properties": properties,
        }
    return out
