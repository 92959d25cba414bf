"""Fixtures shared by the alarms and dashboards tests (imported into their conftest files):
moto's server for a module, emptied after each test, and a twin info file pointing at it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from infra import STACK

from alarms import AlarmSet, build_alarms
from tests.support.moto_server import moto_server
from tests.unit.alarms.support import reset, write_info


@pytest.fixture(scope="session")
def prod_alarms() -> AlarmSet:
    return build_alarms(STACK, "prod")


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    with moto_server() as url:
        yield url


@pytest.fixture
def aws(moto_url: str) -> Iterator[str]:
    """moto's server, emptied after the test."""
    yield moto_url
    reset(moto_url)


@pytest.fixture
def info_file(tmp_path: Path, aws: str) -> Path:
    return write_info(tmp_path / "twin.json", aws)
