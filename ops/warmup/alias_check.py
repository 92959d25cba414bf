"""Does the warm-up reach users? The alias a policy warms must be the one the APIs invoke, and
it must point at the latest published version.

Provisioned concurrency and pings act on the ``live`` alias. An API integration that invokes
the unqualified function (``$LATEST``) or another qualifier never lands on those environments,
and an alias left on an old version serves old code: either way the warm-up is paid for and
users still see cold starts. ``ops warmup verify`` fails on any problem found here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError
from infra.template.names import LIVE_ALIAS, function_name, rest_api_name, stack_name, websocket_api_name

from ops.warmup.desired import Place
from ops.warmup.policy import Policy

_INVOKED = re.compile(r"functions/(arn:[^/]+)/invocations")
_FUNCTION_ARN = re.compile(r"^arn:[^:]+:lambda:[^:]*:[^:]*:function:([^:]+)(?::([^:]+))?$")


@dataclass(frozen=True)
class Integration:
    """One API integration and the Lambda qualifier it invokes (``None``: unqualified)."""

    where: str
    function: str
    qualifier: str | None


def _pages(call: Callable[..., dict[str, Any]], key: str, token_in: str, token_out: str, **kwargs: Any) -> list[Any]:
    items: list[Any] = []
    token: str | None = None
    for _ in range(1000):
        response = call(**kwargs, **({token_in: token} if token else {}))
        items.extend(response.get(key, []))
        token = response.get(token_out)
        if not token:
            break
    return items


def invoked(uri: str) -> tuple[str, str | None] | None:
    """(function name, qualifier) an integration URI invokes, or None when it is no Lambda."""
    match = _INVOKED.search(uri)
    arn = match.group(1) if match else uri
    parsed = _FUNCTION_ARN.match(arn)
    return (parsed.group(1), parsed.group(2)) if parsed else None


def rest_integrations(apigateway: Any, api_name: str) -> list[Integration] | None:
    """Lambda integrations of the REST API called ``api_name`` (None: no such API)."""
    apis = [a for a in _pages(apigateway.get_rest_apis, "items", "position", "position") if a["name"] == api_name]
    if not apis:
        return None
    out: list[Integration] = []
    api_id = apis[0]["id"]
    for resource in _pages(apigateway.get_resources, "items", "position", "position", restApiId=api_id):
        for method in resource.get("resourceMethods") or {}:
            try:
                integration = apigateway.get_integration(restApiId=api_id, resourceId=resource["id"], httpMethod=method)
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") == "NotFoundException":
                    continue
                raise
            target = invoked(str(integration.get("uri", "")))
            if target is not None:
                out.append(Integration(f"REST {method} {resource.get('path', '?')}", *target))
    return out


def websocket_integrations(apigatewayv2: Any, api_name: str) -> list[Integration] | None:
    """Lambda integrations of the WebSocket API called ``api_name`` (None: no such API)."""
    apis = [a for a in _pages(apigatewayv2.get_apis, "Items", "NextToken", "NextToken") if a["Name"] == api_name]
    if not apis:
        return None
    out: list[Integration] = []
    for integration in _pages(apigatewayv2.get_integrations, "Items", "NextToken", "NextToken", ApiId=apis[0]["ApiId"]):
        target = invoked(str(integration.get("IntegrationUri", "")))
        if target is not None:
            out.append(Integration(f"WebSocket integration {integration.get('IntegrationId', '?')}", *target))
    return out


def _latest_version(lambda_client: Any, physical: str) -> int | None:
    versions = _pages(
        lambda_client.list_versions_by_function, "Versions", "Marker", "NextMarker", FunctionName=physical
    )
    numbers = [int(v["Version"]) for v in versions if str(v.get("Version", "")).isdigit()]
    return max(numbers) if numbers else None


def alias_problems(lambda_client: Any, apigateway: Any, apigatewayv2: Any, policy: Policy, place: Place) -> list[str]:
    """Every reason the functions ``policy`` warms are not warmed where users arrive."""
    if not policy.functions:
        return []
    stack, stage = place.stack, place.stage
    prefix = stack_name(stack, stage)
    problems: list[str] = []
    integrations: list[Integration] = []
    needs_websocket = any(f.websocket_routes for f in stack.functions)
    for kind, found in (
        ("REST", rest_integrations(apigateway, rest_api_name(stack, stage))),
        (
            "WebSocket",
            websocket_integrations(apigatewayv2, websocket_api_name(stack, stage)) if needs_websocket else [],
        ),
    ):
        if found is None:
            problems.append(f"the {kind} API of {prefix} is not deployed here: cannot tell what it invokes")
        else:
            integrations.extend(found)
    for function_policy in policy.functions:
        physical = function_name(stack, stage, stack.function(function_policy.function))
        for integration in integrations:
            if integration.function == physical and integration.qualifier != LIVE_ALIAS:
                invokes = f"{physical}:{integration.qualifier}" if integration.qualifier else f"{physical} ($LATEST)"
                problems.append(
                    f"{integration.where} invokes {invokes}, not the {LIVE_ALIAS!r} alias the policy warms "
                    f"({function_policy.method}): redeploy the stack (`ops deploy --stage {stage}`)"
                )
        try:
            alias = lambda_client.get_alias(FunctionName=physical, Name=LIVE_ALIAS)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "ResourceNotFoundException":
                raise
            problems.append(f"{physical} has no {LIVE_ALIAS!r} alias: deploy the stack (`ops deploy --stage {stage}`)")
            continue
        latest = _latest_version(lambda_client, physical)
        if latest is None or alias["FunctionVersion"] != str(latest):
            problems.append(
                f"{physical}:{LIVE_ALIAS} points at version {alias['FunctionVersion']}, not the latest published "
                f"version ({latest if latest is not None else 'none'}): users get old code on the warmed environments"
            )
    return problems
