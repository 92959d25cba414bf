"""What a deployed stage holds for the alias checks, made in moto with the same calls
CloudFormation makes: each function with published versions and its ``live`` alias, the REST
API and the WebSocket API with Lambda integrations. ``qualifier`` chooses what the
integrations invoke (``"live"``, another alias, or ``None`` for the unqualified function)."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from typing import Any

from infra.model import Stack
from infra.template import names

REGION = "us-east-1"


def _zip(body: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", body)
    return buffer.getvalue()


def deploy_stage(
    client: Callable[[str], Any],
    stack: Stack,
    stage: str,
    *,
    qualifier: str | None = names.LIVE_ALIAS,
    versions: int = 1,
) -> dict[str, str]:
    """Create the stage's functions (``versions`` published, the alias on the last one) and
    APIs; returns the function ARNs by model name."""
    iam, lambda_client = client("iam"), client("lambda")
    role = iam.create_role(
        RoleName=f"{names.stack_name(stack, stage)}-fn",
        AssumeRolePolicyDocument=json.dumps(
            {
                "Statement": [
                    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
                ]
            }
        ),
    )["Role"]["Arn"]
    arns: dict[str, str] = {}
    for function in stack.functions:
        physical = names.function_name(stack, stage, function)
        arn = lambda_client.create_function(
            FunctionName=physical,
            Runtime="python3.12",
            Role=role,
            Handler="handler.handler",
            Code={"ZipFile": _zip("def handler(event, context):\n    return 1\n")},
        )["FunctionArn"]
        version = "1"
        for n in range(versions):
            if n:
                lambda_client.update_function_code(FunctionName=physical, ZipFile=_zip(f"v = {n}\n"))
            version = lambda_client.publish_version(FunctionName=physical)["Version"]
        lambda_client.create_alias(FunctionName=physical, Name=names.LIVE_ALIAS, FunctionVersion=version)
        arns[function.name] = arn.split(":function:")[0] + f":function:{physical}"

    def uri(function_name: str) -> str:
        target = arns[function_name] + (f":{qualifier}" if qualifier else "")
        return f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/{target}/invocations"

    apigateway = client("apigateway")
    api = apigateway.create_rest_api(name=names.rest_api_name(stack, stage))["id"]
    root = next(r["id"] for r in apigateway.get_resources(restApiId=api)["items"] if r["path"] == "/")
    for function in stack.functions:
        if not function.rest_routes:
            continue
        resource = apigateway.create_resource(restApiId=api, parentId=root, pathPart=function.name)["id"]
        apigateway.put_method(restApiId=api, resourceId=resource, httpMethod="POST", authorizationType="NONE")
        apigateway.put_integration(
            restApiId=api,
            resourceId=resource,
            httpMethod="POST",
            type="AWS_PROXY",
            integrationHttpMethod="POST",
            uri=uri(function.name),
        )
    v2 = client("apigatewayv2")
    ws = v2.create_api(
        Name=names.websocket_api_name(stack, stage),
        ProtocolType="WEBSOCKET",
        RouteSelectionExpression="$request.body.action",
    )["ApiId"]
    for function in stack.functions:
        if function.websocket_routes:
            v2.create_integration(ApiId=ws, IntegrationType="AWS_PROXY", IntegrationUri=uri(function.name))
    return arns
