"""Observability overhead of a warm invocation: the same route with and without the
Logger/Tracer/Metrics layer, measured side by side. Target: 1 ms or less at the median."""

from __future__ import annotations

import io
import logging
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager

from backend.api import auth_routes
from backend.api.resolver import build_resolver, resolve_with
from backend.observability import lambda_entry, logger

from tests.support.events import rest_event
from tests.support.lambda_context import FakeLambdaContext

TARGET_MS = 1.0
ROUNDS = 2000


@contextmanager
def _logs_to_memory() -> Iterator[None]:
    """Log lines are still formatted and written (their cost is measured), into memory
    rather than onto the bench's output."""
    handler = logger.registered_handler
    assert isinstance(handler, logging.StreamHandler)
    previous = handler.setStream(io.StringIO())
    try:
        yield
    finally:
        handler.setStream(previous)


def test_observability_layer_costs_under_a_millisecond(capsys) -> None:
    bare = resolve_with(build_resolver(auth_routes.router))
    instrumented = lambda_entry(bare)
    context = FakeLambdaContext(function_name="auth")
    event = rest_event("GET", "/health")
    for fn in (bare, instrumented):  # warm both
        for _ in range(50):
            fn(event, context)
    samples: dict[str, list[float]] = {"bare": [], "instrumented": []}
    with _logs_to_memory():
        for _ in range(ROUNDS):
            for name, fn in (("bare", bare), ("instrumented", instrumented)):
                start = time.perf_counter()
                fn(event, context)
                samples[name].append(time.perf_counter() - start)
    capsys.readouterr()  # drop the EMF lines
    bare_ms = statistics.median(samples["bare"]) * 1000
    inst_ms = statistics.median(samples["instrumented"]) * 1000
    with capsys.disabled():
        print(
            f"\nwarm GET /health, median of {ROUNDS}: bare {bare_ms:.3f} ms, with Logger/Tracer/Metrics "
            f"{inst_ms:.3f} ms, overhead {inst_ms - bare_ms:.3f} ms (target <= {TARGET_MS:g} ms)"
        )
    assert inst_ms - bare_ms <= TARGET_MS, f"observability overhead {inst_ms - bare_ms:.3f} ms (target <= 1 ms)"


def test_warmup_short_circuit_costs_under_a_millisecond(capsys) -> None:
    """Target: a warm-up ping answered in under 1 ms (median), with no downstream call."""
    handler = lambda_entry(resolve_with(build_resolver(auth_routes.router)))
    context = FakeLambdaContext(function_name="auth")
    ping = {"warmup": True}
    samples = []
    with _logs_to_memory():
        for _ in range(50):
            handler(ping, context)
        for _ in range(ROUNDS):
            start = time.perf_counter()
            handler(ping, context)
            samples.append(time.perf_counter() - start)
    capsys.readouterr()
    median_ms = statistics.median(samples) * 1000
    with capsys.disabled():
        print(f"\nwarm-up ping, median of {ROUNDS}: {median_ms:.3f} ms (target < {TARGET_MS:g} ms)")
    assert median_ms < TARGET_MS, f"warm-up ping took {median_ms:.3f} ms (target < 1 ms)"
