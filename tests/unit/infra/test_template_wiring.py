"""Given the stack model, when the template is synthesized, then every function, route and
resource of the model is in it and wired to the right function."""

from __future__ import annotations

import re
from typing import Any

from infra import STACK
from infra.model import Stack
from infra.template import names, synthesize
from infra.template.websocket_api import CONNECT_TOKEN_PARAMETER, route_id

from tests.support.api_contract import API_MD, routes_in_api_md, shape
from tests.unit.infra.conftest import extended_stack, resources_of_type, rest_only_stack

# The REST routes of the contract (parameters written as {}); compared with docs/api.md below.
API_MD_ROUTES = {
    ("GET", "/health"),
    ("POST", "/auth/register"),
    ("POST", "/auth/confirm"),
    ("POST", "/auth/login"),
    ("POST", "/auth/refresh"),
    ("POST", "/auth/logout"),
    ("GET", "/me"),
    ("PATCH", "/me"),
    ("GET", "/users/{}"),
    ("POST", "/conversations"),
    ("GET", "/conversations"),
    ("GET", "/conversations/{}"),
    ("POST", "/conversations/{}/participants"),
    ("DELETE", "/conversations/{}/participants/{}"),
    ("GET", "/conversations/{}/messages"),
    ("POST", "/conversations/{}/messages"),
    ("POST", "/conversations/{}/read"),
    ("POST", "/uploads"),
    ("GET", "/uploads/{}"),
    ("POST", "/calls"),
    ("POST", "/calls/{}/accept"),
    ("POST", "/calls/{}/decline"),
    ("POST", "/calls/{}/end"),
    ("GET", "/calls/{}"),
    ("GET", "/conversations/{}/calls"),
    ("GET", "/calls/ice-servers"),
}

_PARAM = re.compile(r"{[^}]+}")


def _method_for(template: dict[str, Any], stack: Stack, method: str, path: str) -> dict[str, Any]:
    return template["Resources"][names.rest_method_id(stack, method, path)]


def test_the_embedded_route_list_is_the_contracts() -> None:
    assert routes_in_api_md(API_MD.read_text()) == API_MD_ROUTES


def test_every_route_of_api_md_is_served_by_a_function_of_the_model() -> None:
    served = {(r.method, shape(r.path)) for r, _ in STACK.rest_routes()}
    assert API_MD_ROUTES - served == set()


def test_every_rest_route_has_a_method_integrated_with_its_function(dev_template: dict[str, Any]) -> None:
    for route, function in STACK.rest_routes():
        method = _method_for(dev_template, STACK, route.method, route.path)["Properties"]
        assert method["HttpMethod"] == route.method
        integration = method["Integration"]
        assert integration["Type"] == "AWS_PROXY"
        assert f"${{{names.function_alias_id(function)}}}" in integration["Uri"]["Fn::Sub"], route


def test_authorized_routes_use_the_cognito_authorizer_and_public_ones_none(dev_template: dict[str, Any]) -> None:
    for route, _ in STACK.rest_routes():
        method = _method_for(dev_template, STACK, route.method, route.path)
        if route.authorized:
            assert method["Properties"]["AuthorizationType"] == "COGNITO_USER_POOLS"
            assert method["Properties"]["AuthorizerId"] == {"Ref": names.rest_authorizer_id(STACK)}
        else:
            assert method["Properties"]["AuthorizationType"] == "NONE"
            skipped = [s["id"] for s in method["Metadata"]["checkov"]["skip"]]
            assert skipped == ["CKV_AWS_59"]


def test_path_parameters_are_required_by_the_validator(dev_template: dict[str, Any]) -> None:
    method = _method_for(dev_template, STACK, "DELETE", "/conversations/{conversationId}/participants/{userId}")
    assert method["Properties"]["RequestParameters"] == {
        "method.request.path.conversationId": True,
        "method.request.path.userId": True,
    }


def test_each_route_may_invoke_only_its_function_on_its_own_path(dev_template: dict[str, Any]) -> None:
    permissions = resources_of_type(dev_template, "AWS::Lambda::Permission")
    for route, function in STACK.rest_routes():
        permission = permissions[names.rest_method_id(STACK, route.method, route.path) + "Permission"]["Properties"]
        assert permission["FunctionName"] == {"Ref": names.function_alias_id(function)}
        expected = f"/{STACK.rest_api.stage}/{route.method}{_PARAM.sub('*', route.path)}"
        assert permission["SourceArn"]["Fn::Sub"].endswith(expected)


def test_every_function_has_its_role_log_group_and_configuration(dev_template: dict[str, Any]) -> None:
    resources = dev_template["Resources"]
    for function in STACK.functions:
        resource = resources[names.function_id(function)]
        props = resource["Properties"]
        assert props["Role"] == {"Fn::GetAtt": [names.function_role_id(function), "Arn"]}
        assert resources[names.function_role_id(function)]["Type"] == "AWS::IAM::Role"
        group = resources[names.function_log_group_id(function)]["Properties"]
        assert group["LogGroupName"] == f"/aws/lambda/{props['FunctionName']}"
        assert names.function_log_group_id(function) in resource["DependsOn"]
        assert (props["Handler"], props["MemorySize"], props["Timeout"]) == (
            function.handler,
            function.memory_mb,
            function.timeout_s,
        )
        assert props["Architectures"] == [function.architecture]
        assert props["Runtime"] == function.runtime
        assert props["TracingConfig"] == {"Mode": "Active"}
        assert props["Code"]["S3Key"] == {"Ref": names.code_key_parameter(function)}


def test_functions_get_the_settings_the_backend_reads(dev_template: dict[str, Any]) -> None:
    for function in STACK.functions:
        variables = dev_template["Resources"][names.function_id(function)]["Properties"]["Environment"]["Variables"]
        assert variables["TABLE_NAME"] == {"Ref": STACK.table.logical_name}
        assert variables["BUCKET_NAME"] == {"Ref": STACK.bucket.logical_name}
        assert variables["USER_POOL_ID"] == {"Ref": STACK.user_pool.logical_name}
        assert variables["USER_POOL_CLIENT_ID"] == {"Ref": names.user_pool_client_id(STACK)}
        assert variables["POWERTOOLS_METRICS_NAMESPACE"] == STACK.metrics_namespace
        # the web distribution's origin first, then the alternate web domain and the extra origins
        first, domain, extra = variables["CORS_ALLOW_ORIGINS"]["Fn::Join"][1]
        assert first == {"Fn::Sub": "https://${WebDistribution.DomainName}"}
        assert domain["Fn::If"][0] == names.HAS_WEB_DOMAIN
        assert extra["Fn::If"] == [names.HAS_EXTRA_CORS_ORIGINS, {"Fn::Sub": ",${CorsAllowOrigins}"}, ""]
        for key, value in function.environment.items():
            assert variables[key] == value
        posts_to_connections = any(p.resource == "websocket_connections" for p in function.permissions)
        assert ("WEBSOCKET_MANAGEMENT_URL" in variables) == posts_to_connections


def test_the_backend_settings_know_every_variable_the_template_sets(dev_template: dict[str, Any]) -> None:
    from backend.settings import Settings

    known = {f.alias for f in Settings.model_fields.values()} | {
        "POWERTOOLS_SERVICE_NAME",
        "POWERTOOLS_METRICS_NAMESPACE",
        # Read by the websocket/call functions' settings once they land.
        "WEBSOCKET_MANAGEMENT_URL",
    }
    for function in resources_of_type(dev_template, "AWS::Lambda::Function").values():
        assert set(function["Properties"]["Environment"]["Variables"]) <= known


def test_every_websocket_route_is_routed_to_its_function(extended_template: dict[str, Any]) -> None:
    from infra.template.context import SynthContext

    stack = extended_stack()
    ctx = SynthContext(stack, stack.stage("dev"))
    resources = extended_template["Resources"]
    for function in stack.functions:
        for route in function.websocket_routes:
            routed = resources[route_id(ctx, route.route_key)]["Properties"]
            assert routed["RouteKey"] == route.route_key
            integration_id = routed["Target"]["Fn::Sub"].removeprefix("integrations/${").removesuffix("}")
            uri = resources[integration_id]["Properties"]["IntegrationUri"]["Fn::Sub"]
            assert f"${{{names.function_alias_id(function)}}}" in uri
            permission = resources[route_id(ctx, route.route_key) + "Permission"]["Properties"]
            assert permission["FunctionName"] == {"Ref": names.function_alias_id(function)}
            assert permission["SourceArn"]["Fn::Sub"].endswith(f"/{stack.websocket_api.stage}/{route.route_key}")


def test_connect_refuses_a_connection_without_a_token(extended_template: dict[str, Any]) -> None:
    connect = extended_template["Resources"]["WebSocketApiRouteConnect"]["Properties"]
    assert connect["RouteKey"] == "$connect"
    assert connect["RequestParameters"] == {CONNECT_TOKEN_PARAMETER: {"Required": True}}


def test_websocket_stage_is_throttled_and_logged(extended_template: dict[str, Any]) -> None:
    stage = extended_template["Resources"][names.websocket_stage_id(STACK)]["Properties"]
    settings = stage["DefaultRouteSettings"]
    assert settings["ThrottlingRateLimit"] == STACK.websocket_api.throttle_rate_limit
    assert settings["ThrottlingBurstLimit"] == STACK.websocket_api.throttle_burst_limit
    assert "DestinationArn" in stage["AccessLogSettings"]


def test_a_stack_without_websocket_routes_has_no_websocket_api() -> None:
    template = synthesize(rest_only_stack(), "dev", contributors=())
    assert resources_of_type(template, "AWS::ApiGatewayV2::Api") == {}
    assert "WebSocketUrl" not in template["Outputs"]


def test_outputs_give_urls_and_ids_without_getatt_of_types_moto_skips(extended_template: dict[str, Any]) -> None:
    outputs = extended_template["Outputs"]
    for key in ("RestApiUrl", "WebSocketUrl", "UserPoolId", "UserPoolClientId"):
        assert key in outputs
    skipped_by_moto = {
        k
        for k, v in extended_template["Resources"].items()
        if v["Type"].startswith(("AWS::Cognito::", "AWS::ApiGatewayV2::"))
    }
    text = str(outputs)
    for logical_id in skipped_by_moto:
        assert f"['{logical_id}'," not in text, logical_id


def test_functions_that_share_a_build_target_share_a_code_parameter(extended_template: dict[str, Any]) -> None:
    code_keys = {k for k in extended_template["Parameters"] if k.startswith("CodeKey")}
    assert code_keys == {"CodeKeyArm64Python312", "CodeKeyX8664Python312"}


def test_depends_on_targets_come_first(extended_template: dict[str, Any]) -> None:
    order = list(extended_template["Resources"])
    for logical_id, resource in extended_template["Resources"].items():
        for dependency in resource.get("DependsOn", []):
            assert order.index(dependency) < order.index(logical_id), (dependency, logical_id)


def test_rest_deployment_id_changes_when_a_route_changes() -> None:
    def deployment(stack: Stack) -> str:
        template = synthesize(stack, "dev", contributors=())
        (logical_id,) = resources_of_type(template, "AWS::ApiGateway::Deployment")
        return logical_id

    assert deployment(STACK) == deployment(STACK)
    assert deployment(STACK) != deployment(extended_stack())
