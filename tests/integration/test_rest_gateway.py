"""The local API Gateway's REST side: proxy events, the Cognito authorizer, gateway answers
and CORS, over real HTTP."""

from __future__ import annotations

import time

import jwt

from ops.local.twin import Twin
from tests.support.aws import moto_private_jwk
from tests.support.twin import Rest

ALLOWED_ORIGIN = "http://localhost:8081"


def test_the_proxy_event_carries_path_query_headers_and_body(probe_rest: Rest) -> None:
    answer = probe_rest.post(
        "/probe/item-42?color=blue&color=red&size=L", {"hello": "world"}, headers={"X-Custom": "1"}
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["event"]["resource"] == "/probe/{item}"
    assert body["event"]["path"] == "/probe/item-42"
    assert body["event"]["httpMethod"] == "POST"
    assert body["event"]["pathParameters"] == {"item": "item-42"}
    assert body["event"]["queryStringParameters"] == {"color": "red", "size": "L"}
    assert body["event"]["body"] == '{"hello":"world"}' or body["event"]["body"] == '{"hello": "world"}'
    assert body["event"]["isBase64Encoded"] is False
    assert body["headers"]["X-Custom"] == "1"
    assert body["headers"]["Content-Type"] == "application/json"
    assert body["stage"] == "v1"
    assert body["claims"] is None


def test_a_binary_body_arrives_base64_encoded(probe_rest: Rest) -> None:
    answer = probe_rest.request(
        "POST", "/probe/file", content=b"\x89PNG\x00\xff", headers={"Content-Type": "image/png"}
    )
    assert answer.json()["event"]["isBase64Encoded"] is True
    assert answer.json()["event"]["body"] == "iVBORwD/"


def test_an_authorized_route_gets_the_claims_where_api_gateway_puts_them(probe_rest: Rest) -> None:
    user = probe_rest.sign_up("Grace")
    answer = probe_rest.get("/probe/secure", user)
    assert answer.status_code == 200, answer.text
    claims = answer.json()["claims"]
    assert claims["sub"] == user.user_id
    assert claims["token_use"] == "id"
    assert all(isinstance(v, str) for v in claims.values())


def test_missing_forged_and_expired_tokens_are_refused_before_the_function(probe_twin: Twin, probe_rest: Rest) -> None:
    runtime = probe_twin.lambdas.runtime("probe") if probe_twin.lambdas else None
    assert runtime is not None
    user = probe_rest.sign_up("Mallory")
    claims = jwt.decode(user.id_token, options={"verify_signature": False})
    expired = jwt.encode(
        {**claims, "exp": int(time.time()) - 60},
        jwt.PyJWK(moto_private_jwk()).key,
        algorithm="RS256",
        headers={"kid": "dummy"},
    )
    forged = user.id_token[:-4] + ("AAAA" if not user.id_token.endswith("AAAA") else "BBBB")
    invocations = runtime.invocations

    for headers in (
        {},
        {"Authorization": f"Bearer {forged}"},
        {"Authorization": f"Bearer {expired}"},
        {"Authorization": "Basic Zm9vOmJhcg=="},
    ):
        answer = probe_rest.get("/probe/secure", headers=headers)
        assert answer.status_code == 401, headers
        assert answer.json()["error"]["code"] == "unauthorized"

    assert runtime.invocations == invocations


def test_a_path_parameter_with_a_line_feed_reaches_the_function_decoded(probe_rest: Rest) -> None:
    # API Gateway decodes the path and hands the id to the function, which answers in JSON;
    # the twin's router once stopped at the line feed and answered text/plain 404 itself.
    for raw, decoded in (("a%0Ab", "a\nb"), ("%0A", "\n"), ("x%0A", "x\n")):
        answer = probe_rest.post(f"/probe/{raw}", {})
        assert answer.status_code == 200, (raw, answer.status_code, answer.text)
        assert answer.json()["event"]["pathParameters"] == {"item": decoded}
    # and a trailing line feed is part of the path, not a way around the route's end
    assert probe_rest.request("GET", "/probe%0A").status_code == 404


def test_an_unknown_route_gets_the_gateway_404_in_the_api_error_shape(probe_rest: Rest) -> None:
    for method, path in (("GET", "/nowhere"), ("DELETE", "/probe"), ("GET", "/probe/a/b")):
        answer = probe_rest.request(method, path)
        assert answer.status_code == 404, (method, path)
        assert answer.json() == {"error": {"code": "route_not_found", "message": "no route for this method and path"}}


def test_cors_preflight_and_cors_on_gateway_answers(probe_rest: Rest) -> None:
    preflight = probe_rest.request(
        "OPTIONS",
        "/probe/secure",
        headers={
            "Origin": ALLOWED_ORIGIN,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization",
        },
    )
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
    assert "GET" in preflight.headers["access-control-allow-methods"]
    assert "Authorization" in preflight.headers["access-control-allow-headers"]

    refused = probe_rest.get("/probe/secure", headers={"Origin": ALLOWED_ORIGIN})
    assert refused.status_code == 401
    assert refused.headers["access-control-allow-origin"] == ALLOWED_ORIGIN

    stranger = probe_rest.request(
        "OPTIONS", "/probe/secure", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"}
    )
    assert "access-control-allow-origin" not in stranger.headers


def test_cors_answers_from_the_platform_functions(rest: Rest) -> None:
    answer = rest.get("/health", headers={"Origin": ALLOWED_ORIGIN})
    assert answer.status_code == 200
    assert answer.headers["access-control-allow-origin"] == ALLOWED_ORIGIN


def test_every_answer_names_its_request_and_trace(probe_rest: Rest) -> None:
    answer = probe_rest.get("/probe")
    assert answer.headers["x-amzn-requestid"]
    assert answer.headers["x-amzn-trace-id"].startswith("Root=1-")
