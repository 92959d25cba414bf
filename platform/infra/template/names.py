"""Logical ids and physical names of the template's resources, derived from the stack model.

Dashboards, alarms, warm-up and ``ops deploy`` find resources through these functions, never
through copied strings.
"""

from __future__ import annotations

import re

from infra.model import Function, Stack

DATA_KEY = "DataKey"
DATA_KEY_ALIAS = "DataKeyAlias"
ALARM_TOPIC = "AlarmTopic"
ALARM_TOPIC_POLICY = "AlarmTopicPolicy"
# The notifier's email topic (alarms contributor): people subscribe by email; alarms about the
# alarm path publish to it directly.
ALARM_EMAIL_TOPIC = "AlarmEmailTopic"
ARTIFACT_BUCKET_PARAMETER = "ArtifactBucket"
CORS_ORIGINS_PARAMETER = "CorsAllowOrigins"
AUTO_CONFIRM_PARAMETER = "AutoConfirmSignups"
DOMAIN_NAME_PARAMETER = "DomainName"
CERTIFICATE_PARAMETER = "CertificateArn"
HAS_CUSTOM_DOMAIN = "HasCustomDomain"
HAS_EXTRA_CORS_ORIGINS = "HasExtraCorsOrigins"
# The web build's distribution: its optional alternate domain and us-east-1 certificate.
WEB_DOMAIN_PARAMETER = "WebDomainName"
WEB_CERTIFICATE_PARAMETER = "WebCertificateArn"
HAS_WEB_DOMAIN = "HasWebDomain"
# True where the stack is deployed in us-east-1, the only region with CloudFront's metrics (and
# so the only one whose alarms can watch them).
IN_US_EAST_1 = "InUsEast1"
WEB_ORIGIN_ACCESS_CONTROL = "WebOriginAccessControl"
WEB_HEADERS_POLICY = "WebResponseHeadersPolicy"
# The alias every caller invokes (APIs, SNS, schedules, warm-up): it tracks the latest
# published version, so provisioned concurrency or SnapStart on it serves real traffic.
LIVE_ALIAS = "live"


def camel(text: str) -> str:
    """CamelCase of ``text``: ``"send-message"`` -> ``"SendMessage"``, ``"$connect"`` -> ``"Connect"``."""
    parts = re.split(r"[^A-Za-z0-9]+", text)
    return "".join(part[:1].upper() + part[1:] for part in parts if part)


def stack_name(stack: Stack, stage: str) -> str:
    """The CloudFormation stack name of ``stage`` (``chat-platform-dev``)."""
    return f"{stack.name}-{stage}"


def function_id(function: Function) -> str:
    """Logical id of a function (``ChatFunction``)."""
    return f"{camel(function.name)}Function"


def function_role_id(function: Function) -> str:
    """Logical id of a function's execution role."""
    return f"{function_id(function)}Role"


def function_log_group_id(function: Function) -> str:
    """Logical id of a function's log group."""
    return f"{function_id(function)}LogGroup"


def function_alias_id(function: Function) -> str:
    """Logical id of a function's ``live`` alias; its ``Ref`` is the alias ARN that every
    integration, permission, subscription and schedule targets."""
    return f"{function_id(function)}LiveAlias"


def function_version_id(function: Function, digest: str) -> str:
    """Logical id of the published version of ``function`` whose code and configuration hash
    to ``digest``: a new id (a new version) exactly when either changes."""
    return f"{function_id(function)}Version{digest}"


def function_name(stack: Stack, stage: str, function: Function) -> str:
    """Physical name of a function in ``stage`` (``chat-platform-dev-chat``)."""
    return f"{stack_name(stack, stage)}-{function.name}"


def rest_api_name(stack: Stack, stage: str) -> str:
    """Physical name of the REST API in ``stage`` (``chat-platform-dev-rest``), its ``ApiName``
    metric dimension."""
    return f"{stack_name(stack, stage)}-rest"


def websocket_api_name(stack: Stack, stage: str) -> str:
    """Name of the WebSocket API in ``stage`` (``chat-platform-dev-ws``)."""
    return f"{stack_name(stack, stage)}-ws"


def table_name(stack: Stack, stage: str) -> str:
    """Physical name of the table in ``stage`` (same rule as the local twin's provisioning)."""
    return f"{stack_name(stack, stage)}-{stack.table.logical_name}".lower()


def user_pool_client_id(stack: Stack) -> str:
    """Logical id of the user pool's app client."""
    return f"{stack.user_pool.logical_name}Client"


def rest_authorizer_id(stack: Stack) -> str:
    """Logical id of the REST API's Cognito authorizer."""
    return f"{stack.rest_api.logical_name}Authorizer"


def rest_stage_id(stack: Stack) -> str:
    """Logical id of the REST API's stage."""
    return f"{stack.rest_api.logical_name}Stage"


def websocket_stage_id(stack: Stack) -> str:
    """Logical id of the WebSocket API's stage."""
    return f"{stack.websocket_api.logical_name}Stage"


def code_key_parameter(function: Function) -> str:
    """Template parameter holding the S3 key of the zip built for ``function``'s architecture
    and runtime (functions that share both share one zip)."""
    return f"CodeKey{camel(function.architecture)}{camel(function.runtime)}"


def _path_words(path: str) -> str:
    segments = [s for s in path.split("/") if s]
    return "".join(f"By{camel(s[1:-1])}" if s.startswith("{") else camel(s) for s in segments)


def rest_resource_id(stack: Stack, path: str) -> str:
    """Logical id of the REST resource of ``path`` (``/users/{userId}``: ``RestApiResourceUsersByUserId``)."""
    return f"{stack.rest_api.logical_name}Resource{_path_words(path)}"


def rest_method_id(stack: Stack, method: str, path: str) -> str:
    """Logical id of the REST method ``method path`` (``RestApiMethodGetUsersByUserId``)."""
    return f"{stack.rest_api.logical_name}Method{camel(method.lower())}{_path_words(path) or 'Root'}"
