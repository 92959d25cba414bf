"""Lambda semantics of the twin, observed through a probe function over real HTTP."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx

from ops.local.twin import Twin
from tests.support.twin import Rest


def test_each_function_gets_its_own_environment_and_a_lambda_context(probe_twin: Twin, probe_rest: Rest) -> None:
    # Given the probe function of the stack model (256 MB, 2 s, its own variables)
    # When it is called through the gateway
    answer = probe_rest.get("/probe")

    # Then it ran with Lambda's variables, the model's variables and the stack wiring
    assert answer.status_code == 200, answer.text
    body = answer.json()
    env = body["env"]
    assert env["AWS_LAMBDA_FUNCTION_NAME"] == "chat-platform-probe"
    assert env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "256"
    assert env["POWERTOOLS_SERVICE_NAME"] == "probe"
    assert env["PROBE_SETTING"] == "from-model"
    assert env["TABLE_NAME"] == probe_twin.info.table_name
    assert env["AWS_ENDPOINT_URL"] == probe_twin.info.aws_endpoint_url
    assert env["_X_AMZN_TRACE_ID"].startswith("Root=1-")
    # and a context object like the runtime's
    context = body["context"]
    assert context["function_name"] == "chat-platform-probe"
    assert context["memory_limit_in_mb"] == 256
    assert 0 < context["remaining_ms"] <= 2000
    assert context["invoked_function_arn"].endswith(":function:chat-platform-probe:live")
    assert answer.headers["x-probe"] == "yes"


def test_other_functions_do_not_see_the_probe_environment(probe_twin: Twin, probe_rest: Rest) -> None:
    # The auth function's instances are separate processes with the auth function's variables.
    probe = probe_rest.get("/probe").json()
    assert probe_rest.get("/health").status_code == 200
    auth_runtime = probe_twin.lambdas.runtime("auth") if probe_twin.lambdas else None
    assert auth_runtime is not None
    assert auth_runtime.name == "chat-platform-auth"
    assert probe["env"]["POWERTOOLS_SERVICE_NAME"] == "probe"


def test_cold_start_once_per_instance_and_a_new_instance_per_concurrent_call(probe_twin: Twin) -> None:
    runtime = probe_twin.lambdas.runtime("probe") if probe_twin.lambdas else None
    assert runtime is not None
    url = probe_twin.info.rest_url + "/probe"
    # Given a warm instance
    httpx.get(url, timeout=10)
    warm = httpx.get(url, timeout=10).json()
    assert warm["cold"] is False
    starts_before = runtime.cold_starts

    # When two calls overlap (the function's reserved concurrency is 2)
    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(lambda _: httpx.get(url, params={"sleep": "0.6"}, timeout=10), range(2)))

    # Then both ran, on two different instances, and at most one more instance was started cold
    assert [a.status_code for a in answers] == [200, 200]
    bodies = [a.json() for a in answers]
    assert bodies[0]["pid"] != bodies[1]["pid"]
    assert runtime.cold_starts - starts_before == sum(1 for b in bodies if b["cold"]) == 1


def test_beyond_the_concurrency_limit_the_gateway_answers_429(probe_twin: Twin) -> None:
    url = probe_twin.info.rest_url + "/probe"
    runtime = probe_twin.lambdas.runtime("probe") if probe_twin.lambdas else None
    assert runtime is not None and runtime.concurrency == 2
    throttles_before = runtime.throttles

    # When three calls overlap on a function limited to two
    with ThreadPoolExecutor(3) as pool:
        answers = list(pool.map(lambda i: httpx.get(url, params={"sleep": "1.0", "n": str(i)}, timeout=10), range(3)))

    # Then one was refused with the API's throttling answer
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [200, 200, 429]
    refused = next(a for a in answers if a.status_code == 429)
    assert refused.json()["error"]["code"] == "throttled"
    assert runtime.throttles == throttles_before + 1


def test_a_timeout_kills_the_instance_and_the_gateway_answers_502(probe_twin: Twin, probe_rest: Rest) -> None:
    runtime = probe_twin.lambdas.runtime("probe") if probe_twin.lambdas else None
    assert runtime is not None
    # Given a warm instance
    assert probe_rest.get("/probe").status_code == 200
    instances = runtime.instances

    # When the function runs past its 2 s timeout
    answer = probe_rest.get("/probe", params={"sleep": "5"})

    # Then the caller gets the gateway's integration failure after the timeout, not a hang
    assert answer.status_code == 502
    assert answer.json()["error"]["code"] == "integration_failure"
    # and the environment that ran it was killed and discarded, as Lambda does
    assert runtime.in_flight == 0
    assert runtime.instances == instances - 1
    assert probe_rest.get("/probe").status_code == 200


def test_function_errors_and_malformed_answers_become_502(probe_rest: Rest) -> None:
    failed = probe_rest.get("/probe", params={"boom": "1"})
    malformed = probe_rest.get("/probe", params={"malformed": "1"})
    for answer in (failed, malformed):
        assert answer.status_code == 502
        assert answer.json()["error"]["code"] == "integration_failure"
