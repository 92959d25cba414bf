"""One twin per test session (per xdist worker), started on free ports when first needed:
``twin`` runs the platform's stack as it is; ``probe_twin`` adds test functions (a REST probe
and a WebSocket echo) to observe the gateway and Lambda semantics on their own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ops.local.twin import Twin, TwinConfig
from tests.support.twin import ROOT, Rest, probe_stack


@pytest.fixture(scope="session")
def twin() -> Iterator[Twin]:
    with Twin(TwinConfig(port=0, flush_interval_s=0.5)) as running:
        yield running


@pytest.fixture(scope="session")
def probe_twin() -> Iterator[Twin]:
    config = TwinConfig(port=0, stack=probe_stack(), python_path=(str(ROOT),), concurrency=4, flush_interval_s=0.5)
    with Twin(config) as running:
        yield running


@pytest.fixture(scope="session")
def rest(twin: Twin) -> Iterator[Rest]:
    client = Rest(twin.info.rest_url)
    yield client
    client.close()


@pytest.fixture(scope="session")
def probe_rest(probe_twin: Twin) -> Iterator[Rest]:
    client = Rest(probe_twin.info.rest_url)
    yield client
    client.close()
