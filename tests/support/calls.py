"""Count the AWS calls a piece of code makes, by operation, through botocore's events."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def counting(client: Any) -> Iterator[Counter[str]]:
    """Count every API call ``client`` makes inside the block (retries count as one)."""
    counts: Counter[str] = Counter()

    def count(model: Any, **_: Any) -> None:
        counts[model.name] += 1

    service = client.meta.service_model.service_name
    client.meta.events.register(f"before-call.{service}", count)
    try:
        yield counts
    finally:
        client.meta.events.unregister(f"before-call.{service}", count)
