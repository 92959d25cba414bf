"""What the table stores, measured as it is written: DynamoDB's item-size rules applied to the
items the store puts, published as metrics so the cost projection prices bytes, not bounds.

- ``StoredBytes``: each item put that does not expire (no TTL attribute), its size plus the
  100 bytes of indexing overhead DynamoDB bills per item: the table's growth (what PITR backs up).
- ``IndexedBytes``: the same item's size plus 100 bytes again for each GSI whose keys it holds
  (projection ALL): the indexes' growth.

Counted from the items in hand: no extra DynamoDB call. Updates change a few attributes of
items already counted and are not added; deletes and expiry are not subtracted (an upper bound
on a table whose items are rarely deleted).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from backend.store.keys import EXPIRES_AT, INDEX_KEYS

ITEM_OVERHEAD_BYTES = 100


def value_size(value: Any) -> int:
    """Bytes DynamoDB counts for one attribute value (its documented rules)."""
    if value is None or isinstance(value, bool):
        return 1
    if isinstance(value, str):
        return len(value.encode())
    if isinstance(value, bytes | bytearray):
        return len(value)
    if isinstance(value, int | float | Decimal):
        digits = Decimal(str(value)).normalize().as_tuple().digits
        return (len(digits) + 1) // 2 + 1
    if isinstance(value, Mapping):
        return 3 + sum(len(str(k).encode()) + value_size(v) + 1 for k, v in value.items())
    if isinstance(value, set | frozenset):
        return sum(value_size(v) for v in value)
    if isinstance(value, list | tuple):
        return 3 + sum(value_size(v) + 1 for v in value)
    return len(str(value).encode())


def item_size(item: Mapping[str, Any]) -> int:
    """An item's size: attribute names plus values (None attributes are not written)."""
    return sum(len(name.encode()) + value_size(value) for name, value in item.items() if value is not None)


def stored_bytes(items: Iterable[Mapping[str, Any]]) -> tuple[int, int]:
    """(table bytes, index bytes) the ``items`` add, expiring items left out."""
    table = index = 0
    for item in items:
        if item.get(EXPIRES_AT) is not None:
            continue
        size = item_size(item)
        table += size + ITEM_OVERHEAD_BYTES
        for keys in INDEX_KEYS.values():
            if all(item.get(k) is not None for k in keys):
                index += size + ITEM_OVERHEAD_BYTES
    return table, index


def record(items: Iterable[Mapping[str, Any]]) -> None:
    """Publish what ``items`` (just written) add to the table and its indexes."""
    table, index = stored_bytes(items)
    if not table:
        return
    # Imported here: the store is used by tools that never publish metrics, and Powertools'
    # Metrics is created once per function process in backend.observability.
    from aws_lambda_powertools.metrics import MetricUnit

    from backend.observability import metrics

    metrics.add_metric(name="StoredBytes", unit=MetricUnit.Bytes, value=table)
    if index:
        metrics.add_metric(name="IndexedBytes", unit=MetricUnit.Bytes, value=index)
