"""Contract fuzzing: schemathesis generates requests from the committed OpenAPI document
(docs/openapi.json), they go to the local twin over HTTP with a real idToken, and every answer
is checked against the document: no 5xx, a documented status code, a documented content type,
a body that matches the schema of that status, and (for deliberately invalid requests) a 4xx.

Half of the requests to an operation with path parameters use ids that exist (a direct and a
group conversation, a call, an upload, another user), so the fuzzer reaches the handlers'
logic and not only their 404s; the other half use generated ids."""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import hypothesis
import hypothesis.errors
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS as REGISTERED_CHECKS

from tests.support.twin import ROOT, Rest, User

OPENAPI = ROOT / "docs" / "openapi.json"
# Every check schemathesis has (``--checks all``) but two that do not fit this API (issue 20):
# ``positive_data_acceptance`` (a schema-valid request can break a business rule, e.g. a wrong
# confirmation code, as the operations' descriptions say) and ``unsupported_method`` (API
# Gateway answers an undeclared method with a gateway response, not 405).
EXCLUDED_CHECKS = {"positive_data_acceptance", "unsupported_method"}
CHECKS = [check for check in REGISTERED_CHECKS.get_all() if check.__name__ not in EXCLUDED_CHECKS]
# The gateway's own throttling (stage token bucket, function concurrency) can answer any route
# with 429; the mobile client retries those, and so does the fuzzer. A 429 from the backend's
# per-user rate limits (code ``rate_limited``) is a documented answer and is checked as such.
GATEWAY_THROTTLE_CODES = {"throttled", "too_many_requests"}
RETRIES = 6


# an invalid request may be refused with any of these (413: the body is over the limit)
REJECTIONS = ["400", "401", "403", "404", "409", "413", "422"]


def load_schema() -> Any:
    """The committed document as schemathesis sees it (OpenAPI 3.1)."""
    config = schemathesis.Config.from_dict({"checks": {"negative_data_rejection": {"expected-statuses": REJECTIONS}}})
    return schemathesis.openapi.from_dict(json.loads(OPENAPI.read_text()), config=config)


@dataclass
class Fixtures:
    """Existing resources whose ids are given to the fuzzer."""

    user: User
    other: User
    path_ids: dict[str, str]
    # logout voids its caller's tokens: it is fuzzed with a user of its own
    leaving: User | None = None


def make_fixtures(rest: Rest) -> Fixtures:
    """Two users, a direct and a group conversation with messages, a call and an upload."""
    user, other, third = rest.sign_up("Fuzz"), rest.sign_up("Peer"), rest.sign_up("Third")
    direct = rest.post("/conversations", {"participantIds": [other.user_id]}, user)
    assert direct.status_code in (200, 201), direct.text
    group = rest.post(
        "/conversations", {"participantIds": [other.user_id, third.user_id], "isGroup": True, "name": "g"}, user
    )
    assert group.status_code == 201, group.text
    conversation_id = group.json()["conversationId"]
    for n in range(3):
        sent = rest.post(
            f"/conversations/{conversation_id}/messages", {"clientMessageId": f"seed-{n}", "content": f"m{n}"}, user
        )
        assert sent.status_code == 201, sent.text
    call = rest.post("/calls", {"conversationId": direct.json()["conversationId"], "media": "audio"}, user)
    assert call.status_code == 201, call.text
    upload = rest.post(
        "/uploads",
        {
            "fileName": "a.png",
            "contentType": "image/png",
            "size": 1000,
            "purpose": "attachment",
            "conversationId": conversation_id,
        },
        user,
    )
    assert upload.status_code == 201, upload.text
    leaving = rest.sign_up("Leaving")
    return Fixtures(
        user,
        other,
        {
            "conversationId": conversation_id,
            "callId": call.json()["callId"],
            "uploadId": upload.json()["uploadId"],
            "userId": other.user_id,
        },
        leaving,
    )


@dataclass
class Outcome:
    """What a fuzzing run did."""

    requests: int = 0
    by_operation: Counter[str] = field(default_factory=Counter)
    by_status: Counter[int] = field(default_factory=Counter)
    throttled_retries: int = 0
    unsatisfiable: int = 0
    failures: list[str] = field(default_factory=list)

    def summary(self) -> str:
        statuses = ", ".join(f"{code}: {n}" for code, n in sorted(self.by_status.items()))
        return (
            f"{self.requests} requests over {len(self.by_operation)} operations "
            f"(statuses {statuses}; gateway 429s retried: {self.throttled_retries}; "
            f"failures: {len(self.failures)})"
        )


def _is_gateway_throttle(response: requests.Response) -> bool:
    if response.status_code != 429:
        return False
    try:
        code = response.json().get("error", {}).get("code")
    except (ValueError, AttributeError):
        return True
    return code in GATEWAY_THROTTLE_CODES


def _call(case: Any, base_url: str, session: requests.Session, outcome: Outcome) -> requests.Response:
    for attempt in range(RETRIES):
        response = case.call(base_url=base_url, session=session, timeout=30)
        outcome.requests += 1
        if not _is_gateway_throttle(response) or attempt == RETRIES - 1:
            return response
        outcome.throttled_retries += 1
        time.sleep(0.2 * 2**attempt)
    raise AssertionError("unreachable")


def fuzz(base_url: str, fixtures: Fixtures, examples_per_operation: int, deadline_s: float, seed: int = 9) -> Outcome:
    """Every operation of the document, positive and negative cases, ``examples_per_operation``
    generated cases each (split over the modes); stops early once ``deadline_s`` has passed."""
    schema = load_schema()
    outcome = Outcome()
    session = requests.Session()
    started = time.monotonic()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20, "the document lost its operations"
    for operation in operations:
        if operation.path == "/auth/logout" and fixtures.leaving is not None:
            auth = {"Authorization": f"Bearer {fixtures.leaving.id_token}"}
        else:
            auth = {"Authorization": f"Bearer {fixtures.user.id_token}"}
        names = {p.name for p in operation.path_parameters}
        known = {name: fixtures.path_ids[name] for name in names if name in fixtures.path_ids}
        strategies = []
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            strategies.append(operation.as_strategy(generation_mode=mode, headers=auth))
            if known:
                strategies.append(operation.as_strategy(generation_mode=mode, headers=auth, path_parameters=known))
        per_strategy = max(1, -(-examples_per_operation // len(strategies)))

        for strategy in strategies:

            @given(case=strategy)
            @hypothesis.settings(
                max_examples=per_strategy,
                deadline=None,
                database=None,
                derandomize=False,
                phases=[Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @hypothesis.seed(seed)
            def one(case: Any) -> None:
                if time.monotonic() - started > deadline_s:
                    return
                # the bearer token is always sent: negative cases must not drop it, or every
                # answer would be the authorizer's 401 and the handlers would go untested
                case.headers = {**(case.headers or {}), **auth}  # noqa: B023 (runs within its iteration)
                response = _call(case, base_url, session, outcome)
                label = f"{case.operation.method.upper()} {case.operation.path}"
                outcome.by_operation[label] += 1
                outcome.by_status[response.status_code] += 1
                try:
                    case.validate_response(response, checks=CHECKS)
                except (AssertionError, BaseExceptionGroup) as failure:  # Failure or FailureGroup
                    body = response.text[:300]
                    outcome.failures.append(
                        f"{label} [{case.meta.generation.mode if case.meta else '?'}] -> {response.status_code} "
                        f"{body}\n  request: path={case.path_parameters} query={case.query} "
                        f"body={str(case.body)[:300]}\n  {str(failure)[:800]}"
                    )

            try:
                one()
            except hypothesis.errors.Unsatisfiable:
                # nothing to make invalid (e.g. GET /health in negative mode): not a failure
                outcome.unsatisfiable += 1
    session.close()
    return outcome
