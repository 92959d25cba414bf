"""Contract fuzzing, long run: at least 1,000 schemathesis requests (positive and negative)
over every operation of docs/openapi.json against a fresh twin with a real idToken; zero 5xx
and every answer conforming to the document. Prints the request count per status."""

from __future__ import annotations

import time

from ops.local.twin import Twin, TwinConfig
from tests.support.contract import fuzz, load_schema, make_fixtures
from tests.support.twin import Rest

EXAMPLES_PER_OPERATION = 60  # 26 operations -> ~1,200 requests (some strategies run out early)
DEADLINE_S = 240.0


def test_contract_fuzz_bench() -> None:
    with Twin(TwinConfig(port=0, flush_interval_s=1.0)) as twin:
        rest = Rest(twin.info.rest_url)
        try:
            fixtures = make_fixtures(rest)
            started = time.monotonic()
            outcome = fuzz(twin.info.rest_url, fixtures, EXAMPLES_PER_OPERATION, DEADLINE_S)
            elapsed = time.monotonic() - started
        finally:
            rest.close()
    print(f"\ncontract fuzz: {outcome.summary()} in {elapsed:.0f} s ({outcome.requests / elapsed:.1f} requests/s)")
    for label, count in sorted(outcome.by_operation.items()):
        print(f"  {count:5d}  {label}")
    assert not outcome.failures, "\n".join(outcome.failures[:20])
    assert outcome.requests >= 1000, outcome.summary()
    operations = {f"{op.ok().method.upper()} {op.ok().path}" for op in load_schema().get_all_operations()}
    assert set(outcome.by_operation) == operations, operations - set(outcome.by_operation)
