"""The REST API: one method per route of the model (Lambda proxy), the Cognito authorizer,
parameter validation, CORS preflight, stage throttling, access logs and X-Ray tracing."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from infra.model import Function, RestRoute
from infra.template import checkov, names
from infra.template.context import SynthContext
from infra.template.errors import TemplateError
from infra.template.functions import alias_arn, invoke_uri, log_group
from infra.template.gateway import gateway_responses
from infra.template.intrinsics import arn, get_att, ref, sub

ACCESS_LOG_FORMAT = json.dumps(
    {
        "requestId": "$context.requestId",
        "ip": "$context.identity.sourceIp",
        "requestTime": "$context.requestTime",
        "httpMethod": "$context.httpMethod",
        "resourcePath": "$context.resourcePath",
        "status": "$context.status",
        "responseLength": "$context.responseLength",
        "latency": "$context.responseLatency",
        "integrationLatency": "$context.integrationLatency",
        "userId": "$context.authorizer.claims.sub",
        "error": "$context.error.message",
        "wafStatus": "$context.wafResponseCode",
    },
    separators=(",", ":"),
)
_PARAM = re.compile(r"{([^}]+)}")
API_GATEWAY_LOGS_ROLE = "ApiGatewayCloudWatchRole"
API_GATEWAY_ACCOUNT = "ApiGatewayAccount"


def resource_paths(ctx: SynthContext) -> list[str]:
    """Every path prefix a route needs as an API Gateway resource, parents first."""
    paths: set[str] = set()
    for route, _ in ctx.stack.rest_routes():
        segments = [s for s in route.path.split("/") if s]
        for depth in range(1, len(segments) + 1):
            paths.add("/" + "/".join(segments[:depth]))
    return sorted(paths, key=lambda p: (p.count("/"), p))


def _resource_ref(ctx: SynthContext, path: str) -> dict[str, Any]:
    if path == "/":
        return get_att(ctx.stack.rest_api.logical_name, "RootResourceId")
    return ref(names.rest_resource_id(ctx.stack, path))


def _parent(path: str) -> str:
    return path.rsplit("/", 1)[0] or "/"


def _resources(ctx: SynthContext) -> dict[str, Any]:
    api = ctx.stack.rest_api.logical_name
    return {
        names.rest_resource_id(ctx.stack, path): {
            "Type": "AWS::ApiGateway::Resource",
            "Properties": {
                "RestApiId": ref(api),
                "ParentId": _resource_ref(ctx, _parent(path)),
                "PathPart": path.rsplit("/", 1)[1],
            },
        }
        for path in resource_paths(ctx)
    }


def _source_arn(ctx: SynthContext, method: str, path: str) -> dict[str, Any]:
    api = ctx.stack.rest_api
    return arn("execute-api", f"${{{api.logical_name}}}/{api.stage}/{method}{_PARAM.sub('*', path)}")


def _method(ctx: SynthContext, route: RestRoute, function: Function) -> dict[str, Any]:
    api = ctx.stack.rest_api.logical_name
    properties: dict[str, Any] = {
        "RestApiId": ref(api),
        "ResourceId": _resource_ref(ctx, route.path),
        "HttpMethod": route.method,
        "OperationName": f"{function.name}:{route.method} {route.path}",
        "RequestValidatorId": ref(f"{api}RequestValidator"),
        "RequestParameters": {f"method.request.path.{p}": True for p in _PARAM.findall(route.path)},
        "Integration": {"Type": "AWS_PROXY", "IntegrationHttpMethod": "POST", "Uri": invoke_uri(function)},
    }
    if route.authorized:
        properties["AuthorizationType"] = "COGNITO_USER_POOLS"
        properties["AuthorizerId"] = ref(names.rest_authorizer_id(ctx.stack))
        method = {"Type": "AWS::ApiGateway::Method", "Properties": properties}
    else:
        properties["AuthorizationType"] = "NONE"
        method = checkov.with_skips({"Type": "AWS::ApiGateway::Method", "Properties": properties}, "CKV_AWS_59")
    return method


def _preflight(ctx: SynthContext, path: str, function: Function) -> dict[str, Any]:
    """OPTIONS for ``path``, answered by the function serving it: the handlers' CORS settings
    (origins from CORS_ALLOW_ORIGINS) answer preflight in AWS exactly as in the local twin."""
    api = ctx.stack.rest_api.logical_name
    properties = {
        "RestApiId": ref(api),
        "ResourceId": _resource_ref(ctx, path),
        "HttpMethod": "OPTIONS",
        "AuthorizationType": "NONE",
        "Integration": {"Type": "AWS_PROXY", "IntegrationHttpMethod": "POST", "Uri": invoke_uri(function)},
    }
    return {"Type": "AWS::ApiGateway::Method", "Properties": properties}


def _methods(ctx: SynthContext) -> dict[str, Any]:
    out: dict[str, Any] = {}
    preflight: dict[str, Function] = {}
    for route, function in ctx.stack.rest_routes():
        method_id = names.rest_method_id(ctx.stack, route.method, route.path)
        if method_id in out:
            raise TemplateError(f"REST route {route.method} {route.path} is declared twice (or clashes as {method_id})")
        out[method_id] = _method(ctx, route, function)
        preflight.setdefault(route.path, function)
    for path, function in preflight.items():
        out[names.rest_method_id(ctx.stack, "OPTIONS", path)] = _preflight(ctx, path, function)
    return out


def _permissions(ctx: SynthContext) -> dict[str, Any]:
    """API Gateway may invoke each function only for that function's routes on this stage."""
    out: dict[str, Any] = {}
    for route, function in ctx.stack.rest_routes():
        method_id = names.rest_method_id(ctx.stack, route.method, route.path)
        out[f"{method_id}Permission"] = _permission(function, _source_arn(ctx, route.method, route.path))
    for function in ctx.stack.functions:
        if function.rest_routes:
            out[f"{names.function_id(function)}PreflightPermission"] = _permission(
                function, _source_arn(ctx, "OPTIONS", "/*")
            )
    return out


def _permission(function: Function, source_arn: dict[str, Any]) -> dict[str, Any]:
    return {
        "Type": "AWS::Lambda::Permission",
        "Properties": {
            "Action": "lambda:InvokeFunction",
            "FunctionName": alias_arn(function),
            "Principal": "apigateway.amazonaws.com",
            "SourceArn": source_arn,
        },
    }


def _deployment_id(ctx: SynthContext, parts: dict[str, Any]) -> str:
    # A deployment is a snapshot: a new logical id whenever methods or gateway responses change
    # makes CloudFormation deploy a new snapshot to the stage.
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:10]
    return f"{ctx.stack.rest_api.logical_name}Deployment{digest}"


def _stage(ctx: SynthContext, deployment_id: str) -> dict[str, Any]:
    api = ctx.stack.rest_api
    stage = {
        "Type": "AWS::ApiGateway::Stage",
        # Logging needs the account's CloudWatch role to be set first.
        "DependsOn": [API_GATEWAY_ACCOUNT],
        "Properties": {
            "RestApiId": ref(api.logical_name),
            "StageName": api.stage,
            "DeploymentId": ref(deployment_id),
            "TracingEnabled": True,
            "AccessLogSetting": {
                "DestinationArn": get_att(f"{api.logical_name}AccessLogGroup", "Arn"),
                "Format": ACCESS_LOG_FORMAT,
            },
            "MethodSettings": [
                {
                    "ResourcePath": "/*",
                    "HttpMethod": "*",
                    "ThrottlingRateLimit": api.throttle_rate_limit,
                    "ThrottlingBurstLimit": api.throttle_burst_limit,
                    "MetricsEnabled": ctx.stage.cost.detailed_api_metrics,
                    "DataTraceEnabled": False,
                }
            ],
        },
    }
    return checkov.with_skips(stage, "CKV_AWS_120")


def logging_account() -> dict[str, Any]:
    """API Gateway's account setting for CloudWatch Logs, which REST and WebSocket stage logging
    require (once per account and region).

    Retained on delete: other APIs of the account keep logging after this stack is gone. The
    role uses AWS's managed policy for exactly this purpose (log groups API Gateway names
    itself, hence not scoped to this stack's groups).
    """
    retain = {"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"}
    return {
        API_GATEWAY_LOGS_ROLE: {
            "Type": "AWS::IAM::Role",
            **retain,
            "Properties": {
                "Description": "Lets API Gateway write execution and access logs to CloudWatch Logs",
                "AssumeRolePolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "apigateway.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                        }
                    ],
                },
                "ManagedPolicyArns": [
                    sub("arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs")
                ],
            },
        },
        API_GATEWAY_ACCOUNT: {
            "Type": "AWS::ApiGateway::Account",
            **retain,
            "Properties": {"CloudWatchRoleArn": get_att(API_GATEWAY_LOGS_ROLE, "Arn")},
        },
    }


def resources(ctx: SynthContext) -> dict[str, Any]:
    """The REST API and everything that serves the model's REST routes."""
    api = ctx.stack.rest_api
    out: dict[str, Any] = {
        api.logical_name: {
            "Type": "AWS::ApiGateway::RestApi",
            "Properties": {
                "Name": names.rest_api_name(ctx.stack, ctx.stage.name),
                "Description": f"{ctx.stack.name} REST API ({ctx.stage.name})",
                "EndpointConfiguration": {"Types": ["REGIONAL"]},
            },
        },
        names.rest_authorizer_id(ctx.stack): {
            "Type": "AWS::ApiGateway::Authorizer",
            "Properties": {
                "Name": "cognito",
                "RestApiId": ref(api.logical_name),
                "Type": "COGNITO_USER_POOLS",
                "IdentitySource": "method.request.header.Authorization",
                "ProviderARNs": [get_att(ctx.stack.user_pool.logical_name, "Arn")],
            },
        },
        # Path parameters are checked by API Gateway; bodies by the handlers, whose answers name
        # the offending field (docs/api.md), which API Gateway's body validation cannot.
        f"{api.logical_name}RequestValidator": {
            "Type": "AWS::ApiGateway::RequestValidator",
            "Properties": {
                "RestApiId": ref(api.logical_name),
                "Name": "parameters",
                "ValidateRequestParameters": True,
                "ValidateRequestBody": False,
            },
        },
        f"{api.logical_name}AccessLogGroup": log_group(ctx, f"/aws/apigateway/{ctx.prefix}-rest/access"),
    }
    out.update(logging_account())
    out.update(_resources(ctx))
    methods = _methods(ctx)
    responses = gateway_responses(ctx)
    out.update(methods)
    out.update(responses)
    out.update(_permissions(ctx))
    deployment_id = _deployment_id(ctx, {**methods, **responses})
    out[deployment_id] = {
        "Type": "AWS::ApiGateway::Deployment",
        "DependsOn": sorted([*methods, *responses]),
        "Properties": {"RestApiId": ref(api.logical_name), "Description": f"{ctx.prefix} REST routes"},
    }
    out[names.rest_stage_id(ctx.stack)] = _stage(ctx, deployment_id)
    return out
