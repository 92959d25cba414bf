"""The environment of each function's instances: the variables Lambda itself sets, the
function's own (from the stack model) and the stack wiring the template would set; only the
endpoint URLs differ from AWS."""

from __future__ import annotations

from dataclasses import dataclass

from infra.model import Function, Stack

from ops.local import names
from ops.local.provisioning import LocalResources

PYTHON_RUNTIME = "AWS_Lambda_python3.11"


@dataclass(frozen=True)
class Endpoints:
    """Where the functions' SDK calls go."""

    aws_endpoint_url: str
    gateway_url: str
    xray_daemon_address: str
    cors_allow_origins: str


def stack_environment(stack: Stack, resources: LocalResources, endpoints: Endpoints) -> dict[str, str]:
    """What every function of the stack is configured with (table, bucket, pool, JWKS...)."""
    return {
        "TABLE_NAME": resources.table_name,
        "BUCKET_NAME": resources.bucket_name,
        "USER_POOL_ID": resources.user_pool_id,
        "USER_POOL_CLIENT_ID": resources.user_pool_client_id,
        # Tokens carry the AWS issuer while moto serves the keys itself (see settings.py).
        "TOKEN_ISSUER": f"https://cognito-idp.{names.REGION}.amazonaws.com/{resources.user_pool_id}",
        "JWKS_URL": f"{endpoints.aws_endpoint_url}/{resources.user_pool_id}/.well-known/jwks.json",
        # moto sends no email, so nobody could confirm a sign-up locally.
        "AUTO_CONFIRM_SIGNUPS": "true",
        "CORS_ALLOW_ORIGINS": endpoints.cors_allow_origins,
        "WEBSOCKET_MANAGEMENT_URL": endpoints.gateway_url,
        "ALARM_TOPIC_ARN": resources.alarm_topic_arn,
        "POWERTOOLS_METRICS_NAMESPACE": stack.metrics_namespace,
    }


def function_environment(
    stack: Stack, function: Function, resources: LocalResources, endpoints: Endpoints
) -> dict[str, str]:
    """The full environment of one instance of ``function`` (before the per-instance log
    stream name and the per-invocation trace header are added)."""
    env = {
        # Lambda's reserved variables.
        "AWS_REGION": names.REGION,
        "AWS_DEFAULT_REGION": names.REGION,
        "AWS_EXECUTION_ENV": PYTHON_RUNTIME,
        "AWS_LAMBDA_FUNCTION_NAME": names.function_name(stack, function),
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(function.memory_mb),
        "AWS_LAMBDA_FUNCTION_VERSION": names.PUBLISHED_VERSION,
        "AWS_LAMBDA_LOG_GROUP_NAME": names.log_group(stack, function),
        "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
        "LAMBDA_TASK_ROOT": "/var/task",
        "_HANDLER": function.handler,
        "AWS_XRAY_DAEMON_ADDRESS": endpoints.xray_daemon_address,
        "AWS_XRAY_CONTEXT_MISSING": "LOG_ERROR",
        "TZ": ":UTC",
        "LANG": "en_US.UTF-8",
        "PYTHONUNBUFFERED": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        # The execution role's credentials; here fake ones, and every endpoint is the twin.
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_SESSION_TOKEN": "local",
        "AWS_ENDPOINT_URL": endpoints.aws_endpoint_url,
    }
    env.update(stack_environment(stack, resources, endpoints))
    env.update(function.environment)
    return env
