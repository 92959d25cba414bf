from __future__ import annotations

from collections.abc import Iterator

import pytest
from backend import adapters
from backend.realtime.fanout import Fanout
from infra.provision import ProvisionedResources

from tests.support.api import Api
from tests.support.aws import jwks_server, mocked_stack
from tests.support.realtime import FakeSender


@pytest.fixture(scope="session")
def jwks_url() -> Iterator[str]:
    with jwks_server() as url:
        yield url


@pytest.fixture
def stack(jwks_url: str) -> Iterator[ProvisionedResources]:
    with mocked_stack(jwks_url) as resources:
        yield resources


@pytest.fixture
def api(stack: ProvisionedResources) -> Api:
    return Api()


@pytest.fixture(autouse=True)
def sender() -> Iterator[FakeSender]:
    """Every test posts frames to a fake management API."""
    fake = FakeSender()
    adapters.use(sender=fake, fanout=Fanout(8))
    yield fake
    adapters.use()
