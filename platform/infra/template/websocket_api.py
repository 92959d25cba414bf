"""The WebSocket API: routes and Lambda proxy integrations from the model, the token check at
``$connect``, stage throttling and access logs."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from infra.model import Function
from infra.template import names
from infra.template.context import SynthContext
from infra.template.errors import TemplateError
from infra.template.functions import alias_arn, invoke_uri, log_group
from infra.template.intrinsics import arn, get_att, ref, sub
from infra.template.rest_api import API_GATEWAY_ACCOUNT

ACCESS_LOG_FORMAT = json.dumps(
    {
        "requestId": "$context.requestId",
        "ip": "$context.identity.sourceIp",
        "requestTime": "$context.requestTime",
        "eventType": "$context.eventType",
        "routeKey": "$context.routeKey",
        "connectionId": "$context.connectionId",
        "status": "$context.status",
        "integrationLatency": "$context.integrationLatency",
        "error": "$context.error.message",
    },
    separators=(",", ":"),
)
# The client connects with ?token=<idToken> (docs/api.md); the $connect handler verifies it against
# the pool's JWKS, and API Gateway refuses a connect that carries no token at all.
CONNECT_TOKEN_PARAMETER = "route.request.querystring.token"


def integration_id(ctx: SynthContext, function: Function) -> str:
    """Logical id of ``function``'s WebSocket integration."""
    return f"{ctx.stack.websocket_api.logical_name}Integration{names.camel(function.name)}"


def route_id(ctx: SynthContext, route_key: str) -> str:
    """Logical id of the route ``route_key`` (``$connect`` -> ``WebSocketApiRouteConnect``)."""
    return f"{ctx.stack.websocket_api.logical_name}Route{names.camel(route_key)}"


def _route(ctx: SynthContext, route_key: str, function: Function) -> dict[str, Any]:
    api = ctx.stack.websocket_api.logical_name
    properties: dict[str, Any] = {
        "ApiId": ref(api),
        "RouteKey": route_key,
        "AuthorizationType": "NONE",
        "OperationName": f"{function.name}:{route_key}",
        "Target": sub(f"integrations/${{{integration_id(ctx, function)}}}"),
    }
    if route_key == "$connect":
        properties["RequestParameters"] = {CONNECT_TOKEN_PARAMETER: {"Required": True}}
    return {"Type": "AWS::ApiGatewayV2::Route", "Properties": properties}


def resources(ctx: SynthContext) -> dict[str, Any]:
    """Nothing when no function serves a WebSocket route; else the API, its routes and stage."""
    if not ctx.has_websocket():
        return {}
    model = ctx.stack.websocket_api
    api = model.logical_name
    out: dict[str, Any] = {
        api: {
            "Type": "AWS::ApiGatewayV2::Api",
            "Properties": {
                "Name": names.websocket_api_name(ctx.stack, ctx.stage.name),
                "ProtocolType": "WEBSOCKET",
                "RouteSelectionExpression": model.route_selection_expression,
            },
        }
    }
    routes: dict[str, Any] = {}
    for function in ctx.stack.functions:
        if not function.websocket_routes:
            continue
        out[integration_id(ctx, function)] = {
            "Type": "AWS::ApiGatewayV2::Integration",
            "Properties": {
                "ApiId": ref(api),
                "IntegrationType": "AWS_PROXY",
                "IntegrationUri": invoke_uri(function),
            },
        }
        for route in function.websocket_routes:
            if route_id(ctx, route.route_key) in routes:
                raise TemplateError(f"WebSocket route {route.route_key!r} is declared twice")
            routes[route_id(ctx, route.route_key)] = _route(ctx, route.route_key, function)
            out[f"{route_id(ctx, route.route_key)}Permission"] = {
                "Type": "AWS::Lambda::Permission",
                "Properties": {
                    "Action": "lambda:InvokeFunction",
                    "FunctionName": alias_arn(function),
                    "Principal": "apigateway.amazonaws.com",
                    "SourceArn": arn("execute-api", f"${{{api}}}/{model.stage}/{route.route_key}"),
                },
            }
    out.update(routes)
    digest = hashlib.sha256(json.dumps(routes, sort_keys=True).encode()).hexdigest()[:10]
    deployment = f"{api}Deployment{digest}"
    out[deployment] = {
        "Type": "AWS::ApiGatewayV2::Deployment",
        "DependsOn": sorted(routes),
        "Properties": {"ApiId": ref(api), "Description": f"{ctx.prefix} WebSocket routes"},
    }
    out[f"{api}AccessLogGroup"] = log_group(ctx, f"/aws/apigateway/{ctx.prefix}-ws/access")
    out[names.websocket_stage_id(ctx.stack)] = {
        "Type": "AWS::ApiGatewayV2::Stage",
        # Logging needs the account's CloudWatch role (set with the REST API) first.
        "DependsOn": [API_GATEWAY_ACCOUNT],
        "Properties": {
            "ApiId": ref(api),
            "StageName": model.stage,
            "DeploymentId": ref(deployment),
            "DefaultRouteSettings": {
                "ThrottlingRateLimit": model.throttle_rate_limit,
                "ThrottlingBurstLimit": model.throttle_burst_limit,
                "DataTraceEnabled": False,
                "DetailedMetricsEnabled": ctx.stage.cost.detailed_api_metrics,
            },
            "AccessLogSettings": {
                "DestinationArn": get_att(f"{api}AccessLogGroup", "Arn"),
                "Format": ACCESS_LOG_FORMAT,
            },
        },
    }
    return out
