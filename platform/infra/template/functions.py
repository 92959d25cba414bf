"""Each Lambda function with its own role, log group, published version and ``live`` alias,
configured from the stack model.

Every caller invokes the alias (``alias_arn``), never the unqualified function (``$LATEST``):
the version's logical id carries a hash of the code and the configuration (as SAM's
AutoPublishAlias does), so a deploy that changes either publishes a new version and moves the
alias, and a deploy that changes neither leaves both alone. Provisioned concurrency and
SnapStart live on published versions, so only through the alias do they serve users.
"""

from __future__ import annotations

from typing import Any

from infra.model import Function
from infra.template import checkov, cors, iam, names
from infra.template.code_hash import code_digest, version_digest
from infra.template.context import SynthContext
from infra.template.errors import TemplateError
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
        "CORS_ALLOW_ORIGINS": cors.origins(ctx),
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


SNAPSTART_MIN_PYTHON = (3, 12)
SNAPSTART_MAX_EPHEMERAL_MB = 512


def snapstart_problems(function: Function) -> list[str]:
    """What Lambda refuses in ``function``'s configuration when SnapStart is on (empty: none)."""
    problems = []
    version = function.runtime.removeprefix("python").split(".")
    if (
        not function.runtime.startswith("python")
        or tuple(int(v) for v in version if v.isdigit()) < SNAPSTART_MIN_PYTHON
    ):
        problems.append(f"SnapStart needs python3.12 or later, {function.name} runs {function.runtime}")
    if function.ephemeral_storage_mb > SNAPSTART_MAX_EPHEMERAL_MB:
        problems.append(
            f"SnapStart allows at most {SNAPSTART_MAX_EPHEMERAL_MB} MB of ephemeral storage, "
            f"{function.name} has {function.ephemeral_storage_mb} MB"
        )
    return problems


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
    if function.ephemeral_storage_mb != SNAPSTART_MAX_EPHEMERAL_MB:
        properties["EphemeralStorage"] = {"Size": function.ephemeral_storage_mb}
    if function.snap_start:
        problems = snapstart_problems(function)
        if problems:
            raise TemplateError("; ".join(problems))
        # Snapshots are taken of published versions, which the live alias serves.
        properties["SnapStart"] = {"ApplyOn": "PublishedVersions"}
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


def version_id(ctx: SynthContext, function: Function) -> str:
    """Logical id of the version the ``live`` alias points at in this synthesis."""
    configuration = _function(ctx, function)["Properties"]
    code = code_digest(ctx.code_hashes, names.code_key_parameter(function))
    return names.function_version_id(function, version_digest(code, configuration))


def _version(ctx: SynthContext, function: Function, code: str) -> dict[str, Any]:
    return {
        "Type": "AWS::Lambda::Version",
        # Kept when a newer version replaces it: in-flight requests and a rollback still need
        # it (SAM keeps AutoPublishAlias versions the same way).
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "Properties": {
            "FunctionName": ref(names.function_id(function)),
            "Description": f"code {code.removeprefix('source:')[:12]}",
        },
    }


def _alias(ctx: SynthContext, function: Function) -> dict[str, Any]:
    return {
        "Type": "AWS::Lambda::Alias",
        "Properties": {
            "FunctionName": ref(names.function_id(function)),
            "Name": names.LIVE_ALIAS,
            "FunctionVersion": get_att(version_id(ctx, function), "Version"),
            "Description": "What every caller invokes: the latest published version",
        },
    }


def resources(ctx: SynthContext) -> dict[str, Any]:
    """Function, role, log group, published version and ``live`` alias of every function."""
    out: dict[str, Any] = {}
    for function in ctx.stack.functions:
        out[names.function_id(function)] = _function(ctx, function)
        out[version_id(ctx, function)] = _version(
            ctx, function, code_digest(ctx.code_hashes, names.code_key_parameter(function))
        )
        out[names.function_alias_id(function)] = _alias(ctx, function)
        out[names.function_role_id(function)] = _role(ctx, function)
        out[names.function_log_group_id(function)] = log_group(
            ctx, f"/aws/lambda/{names.function_name(ctx.stack, ctx.stage.name, function)}"
        )
    return out


def alias_arn(function: Function) -> dict[str, Any]:
    """The ARN of ``function``'s ``live`` alias (``Ref`` of an alias is its ARN): what API
    integrations, invoke permissions, subscriptions and schedules target."""
    return ref(names.function_alias_id(function))


def invoke_uri(function: Function) -> dict[str, Any]:
    """The API Gateway integration URI that invokes ``function``'s ``live`` alias."""
    return sub(
        "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/"
        f"${{{names.function_alias_id(function)}}}/invocations"
    )
