"""Physical names of the stack's resources in the local twin, derived from the stack model.

AWS names come from the deployed stack; locally they are fixed by this module so that the
dashboards, alarms and cost report find the metrics the twin records under the same
dimensions (FunctionName, ApiName, ApiId, TableName) every time.
"""

from __future__ import annotations

import hashlib

from infra.model import Function, Stack
from infra.template.names import LIVE_ALIAS

ACCOUNT_ID = "123456789012"
REGION = "us-east-1"
# The twin runs one published version of each function, behind the same ``live`` alias that
# every caller invokes in AWS.
PUBLISHED_VERSION = "1"


def resource_prefix(stack: Stack) -> str:
    """Prefix of every physical name (the stack's name)."""
    return stack.name


def function_name(stack: Stack, function: Function) -> str:
    """The Lambda function name (``chat-platform-chat``), the ``FunctionName`` dimension."""
    return f"{stack.name}-{function.name}"


def function_arn(stack: Stack, function: Function) -> str:
    """The function's unqualified ARN."""
    return f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{function_name(stack, function)}"


def alias_arn(stack: Stack, function: Function) -> str:
    """The ARN of the function's ``live`` alias: what the gateway invokes, as in AWS (the
    ``invoked_function_arn`` of its context)."""
    return f"{function_arn(stack, function)}:{LIVE_ALIAS}"


def provisioned_resource_id(stack: Stack, function: Function) -> str:
    """The Application Auto Scaling resource id of provisioned concurrency on the alias."""
    return f"function:{function_name(stack, function)}:{LIVE_ALIAS}"


def log_group(stack: Stack, function: Function) -> str:
    """The function's CloudWatch Logs group, as Lambda names it."""
    return f"/aws/lambda/{function_name(stack, function)}"


def rest_api_name(stack: Stack) -> str:
    """The REST API's name, the ``ApiName`` dimension of its AWS/ApiGateway metrics."""
    return f"{stack.name}-{stack.rest_api.logical_name}"


def websocket_api_id(stack: Stack) -> str:
    """A stable 10-character id for the WebSocket API, its ``ApiId`` dimension."""
    return hashlib.sha256(f"{stack.name}/{stack.websocket_api.logical_name}".encode()).hexdigest()[:10]


def rest_api_id(stack: Stack) -> str:
    """A stable 10-character id for the REST API (``requestContext.apiId``)."""
    return hashlib.sha256(f"{stack.name}/{stack.rest_api.logical_name}".encode()).hexdigest()[:10]


def alarm_topic_name(stack: Stack) -> str:
    """The SNS topic the alarms notify."""
    return f"{stack.name}-alarms"


def web_bucket_name(stack: Stack) -> str:
    """The web build's bucket in the twin (``chat-platform-webbucket``)."""
    assert stack.web is not None
    return f"{stack.name}-{stack.web.bucket_logical_name}".lower()


def web_distribution_id(stack: Stack) -> str:
    """A stable id for the twin's web distribution, its ``DistributionId`` dimension (CloudFront
    ids are 14 upper-case letters and digits starting with E)."""
    return "E" + hashlib.sha256(f"{stack.name}/web".encode()).hexdigest()[:13].upper()
