"""Fixtures of the service tier: a fresh in-memory table per test and users in it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from backend.auth.identity import Caller
from backend.settings import Settings
from backend.store import profiles
from backend.store.table import Table

from tests.support.memory_table import fresh_table, in_memory_dynamodb


@pytest.fixture(scope="module")
def dynamodb() -> Iterator[Any]:
    # Per module, never per session: pytest stops it before the worker runs a test of another
    # module, where a still active moto mock would leak its state (IAM roles, stages).
    with in_memory_dynamodb() as client:
        yield client


@pytest.fixture
def table(dynamodb: Any) -> Table:
    return fresh_table(dynamodb)


@pytest.fixture
def settings() -> Settings:
    return Settings(max_group_size=4, send_rate_per_minute=1000)


@pytest.fixture
def user(table: Table) -> Callable[[str], Caller]:
    """A user with a profile (what sign-up stores), as the caller of a service."""

    def make(name: str) -> Caller:
        user_id = f"user-{name}"
        profiles.create(table, {"userId": user_id, "name": name, "email": f"{name}@example.com"})
        return Caller(user_id=user_id, username=name, email=f"{name}@example.com", name=name)

    return make
