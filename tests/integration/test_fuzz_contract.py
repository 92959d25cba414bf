"""Contract fuzzing, short run (the long one is tests/bench/test_fuzz_contract_bench.py):
schemathesis requests, positive and negative, to every operation of docs/openapi.json on the
twin with a real idToken; no 5xx, and every answer conforms to the document."""

from __future__ import annotations

from infra import STACK
from infra.waf_body_rules import BodyRules

from ops.local.twin import Twin
from tests.support.contract import fuzz, load_schema, make_fixtures
from tests.support.twin import Rest

EXAMPLES_PER_OPERATION = 6  # ~26 operations -> ~150 requests
DEADLINE_S = 50.0


def test_contract_fuzz_short(twin: Twin, rest: Rest) -> None:
    fixtures = make_fixtures(rest)
    outcome = fuzz(twin.info.rest_url, fixtures, EXAMPLES_PER_OPERATION, DEADLINE_S)
    print(outcome.summary())
    assert not outcome.failures, "\n".join(outcome.failures[:20])
    assert not [code for code in outcome.by_status if code >= 500]
    assert outcome.requests >= 100, outcome.summary()
    operations = {f"{op.ok().method.upper()} {op.ok().path}" for op in load_schema().get_all_operations()}
    assert set(outcome.by_operation) == operations, operations - set(outcome.by_operation)


def test_bodies_the_json_parser_cannot_read_are_400_not_500(twin: Twin, rest: Rest) -> None:
    """Found by fuzzing: a body that is not UTF-8, or JSON nested deeper than the parser goes
    (RecursionError), was a 500; it is ``400 malformed_json`` like any unreadable body."""
    user = rest.sign_up("Body")
    bodies = [
        b"\xd9\x98\xc3\xe5",
        b'{"name": "\xff"}',
        b"[" * 16_000 + b"]" * 16_000,
        b'{"a":' * 5_000 + b"1" + b"}" * 5_000,
    ]
    for method, path in (("POST", "/conversations"), ("POST", "/calls"), ("PATCH", "/me"), ("POST", "/auth/login")):
        for body in bodies:
            answer = rest.request(method, path, user, content=body, headers={"Content-Type": "application/json"})
            if BodyRules.of(STACK).blocks(method, path, body):
                # over 8 KB on a route without text bodies: the web ACL refuses it first, as in AWS
                assert answer.status_code == 403, (method, path, body[:20], answer.status_code, answer.text)
                continue
            assert answer.status_code == 400, (method, path, body[:20], answer.status_code, answer.text)
            assert answer.json()["error"]["code"] == "malformed_json", answer.text
