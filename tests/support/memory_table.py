"""The service tier's table: the store's own ``Table`` over an in-memory DynamoDB.

Services take the table as an argument, so their rules (membership, idempotency, limits,
pagination, call states) are tested here without Cognito, HTTP, the resolver or a provisioned
stack: one in-process DynamoDB for the session, a fresh table of the stack model's shape per
test. The engine behind the table is moto's in-memory DynamoDB, called in-process: condition,
update and key-condition expressions are evaluated by a maintained implementation rather than
by a second one written here, and the ``Table`` code under test (serialization, retries, the
errors it raises) is the code Lambda runs.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3
from backend.store.table import Table
from infra import STACK
from infra.provision import table_definition
from moto import mock_aws

_names = itertools.count()


@contextmanager
def in_memory_dynamodb() -> Iterator[Any]:
    """A DynamoDB client whose tables live in this process's memory."""
    with mock_aws():
        yield boto3.client("dynamodb", region_name="us-east-1")


def fresh_table(client: Any) -> Table:
    """A new, empty table with the stack model's keys and indexes."""
    name = f"services-{next(_names)}"
    client.create_table(**table_definition(STACK.table, name))
    return Table(client, name)
