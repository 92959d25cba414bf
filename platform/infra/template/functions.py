"""Each Lambda function with its own role and log group, configured from the stack model."""

from __future__ import annotations

from typing import Any

from infra.model import Function
from infra.template import checkov, iam, names
from infra.template.context import SynthContext
from infra.template.intrinsics import get_att, ref, sub


def management_url(ctx: SynthContext) -> dict[str, Any]:
    """The WebSocket API's ``@connections`` endpoint (``https://{api}.execute-api.../{stage}``)."""
    api = ctx.stack.websocket_api
    return sub(f"https://${{{api.logical_name}}}.execute-api.${{AWS::Region}}.${{AWS::URLSuffix}}/{api.stage}")


def public_urls(ctx: SynthContext) -> dict[str, Any]:
    """The public REST and WebSocket URLs clients use (``REST_API_URL``, ``WEBSOCKET_URL``)."""
    rest, ws = ctx.stack.rest_api, ctx.stack.websocket_api
    return {
        "REST_API_URL": sub(
            f"https://${{{rest.logical_name}}}.execute-api.${{AWS::Region}}.${{AWS::URLSuffix}}/{rest.stage}"
        ),
        "WEBSOCKET_URL": sub(
            f"wss://${{{ws.logical_name}}}.execute-api.${{AWS::Region}}.${{AWS::URLSuffix}}/{ws.stage}"
        ),
    }


def environment(ctx: SynthContext, function: Function) -> dict[str, Any]:
    """The variables ``backend.settings`` reads, set from the stack's resources, then the
    function's own (``POWERTOOLS_SERVICE_NAME``...) from the model."""
    stack = ctx.stack
    variables: dict[str, Any] = {
        "TABLE_NAME": ref(stack.table.logical_name),
        "BUCKET_NAME": ref(stack.bucket.logical_name),
        "USER_POOL_ID": ref(stack.user_pool.logical_name),
        "USER_POOL_CLIENT_ID": ref(names.user_pool_client_id(stack)),
        "AUTO_CONFIRM_SIGNUPS": ref(names.AUTO_CONFIRM_PARAMETER),
        "CORS_ALLOW_ORIGINS": ref(names.CORS_ORIGINS_PARAMETER),
        "POWERTOOLS_SERVICE_NAME": function.name,
        "POWERTOOLS_METRICS_NAMESPACE": stack.metrics_namespace,
    }
    if any(p.resource == "websocket_connections" for p in function.permissions):
        variables["WEBSOCKET_MANAGEMENT_URL"] = management_url(ctx)
    if function.schedule is not None:
        # A scheduled function runs without a caller: the canary probes the public endpoints.
        variables.update(public_urls(ctx))
    variables.update(function.environment)
    return variables


def _function(ctx: SynthContext, function: Function) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "FunctionName": names.function_name(ctx.stack, ctx.stage.name, function),
        "Description": function.description,
        "Handler": function.handler,
        "Runtime": function.runtime,
        "Architectures": [function.architecture],
        "MemorySize": function.memory_mb,
        "Timeout": function.timeout_s,
        "Role": get_att(names.function_role_id(function), "Arn"),
        "Code": {
            "S3Bucket": ref(names.ARTIFACT_BUCKET_PARAMETER),
            "S3Key": ref(names.code_key_parameter(function)),
        },
        "Environment": {"Variables": environment(ctx, function)},
        "TracingConfig": {"Mode": "Active"},
    }
    skips = ["CKV_AWS_116", "CKV_AWS_117"]
    if ctx.customer_managed_key:
        properties["KmsKeyArn"] = get_att(names.DATA_KEY, "Arn")
    else:
        skips.append("CKV_AWS_173")
    if function.reserved_concurrency is not None:
        properties["ReservedConcurrentExecutions"] = function.reserved_concurrency
    else:
        skips.append("CKV_AWS_115")
    resource = {
        "Type": "AWS::Lambda::Function",
        # The log group must exist (with retention and encryption) before Lambda would create one.
        "DependsOn": [names.function_log_group_id(function)],
        "Properties": properties,
    }
    return checkov.with_skips(resource, *skips)


def _role(ctx: SynthContext, function: Function) -> dict[str, Any]:
    return {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "Description": f"Execution role of the {function.name} function ({ctx.prefix})",
            "AssumeRolePolicyDocument": iam.lambda_trust_policy(),
            "Policies": [{"PolicyName": "least-privilege", "PolicyDocument": iam.policy_document(ctx, function)}],
        },
    }


def log_group(ctx: SynthContext, name: str) -> dict[str, Any]:
    """An encrypted log group called ``name`` with the stage's retention."""
    properties: dict[str, Any] = {"LogGroupName": name, "RetentionInDays": ctx.stage.log_retention_days}
    if ctx.customer_managed_key:
        properties["KmsKeyId"] = get_att(names.DATA_KEY, "Arn")
        return {"Type": "AWS::Logs::LogGroup", "Properties": properties}
    # CloudWatch Logs encrypts every group at rest with its own key when none is given.
    return checkov.with_skips({"Type": "AWS::Logs::LogGroup", "Properties": properties}, "CKV_AWS_158")


def resources(ctx: SynthContext) -> dict[str, Any]:
    """Function, role and log group of every function in the model."""
    out: dict[str, Any] = {}
    for function in ctx.stack.functions:
        out[names.function_id(function)] = _function(ctx, function)
        out[names.function_role_id(function)] = _role(ctx, function)
        out[names.function_log_group_id(function)] = log_group(
            ctx, f"/aws/lambda/{names.function_name(ctx.stack, ctx.stage.name, function)}"
        )
    return out


def invoke_uri(function: Function) -> dict[str, Any]:
    """The API Gateway integration URI that invokes ``function``."""
    return sub(
        "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/"
        f"${{{names.function_id(function)}.Arn}}/invocations"
    )
