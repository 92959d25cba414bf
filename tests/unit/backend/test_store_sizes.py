"""What the store reports writing: DynamoDB's item-size rules, expiring items left out, GSI copies."""

from __future__ import annotations

from backend.store.keys import EXPIRES_AT, GSI1PK, GSI1SK
from backend.store.sizes import ITEM_OVERHEAD_BYTES, item_size, stored_bytes


def test_item_size_follows_dynamodbs_rules():
    # names + UTF-8 strings; a number is about one byte per two significant digits, plus one
    assert item_size({"PK": "USER#1", "SK": "PROFILE"}) == 2 + 6 + 2 + 7
    assert item_size({"n": 12345}) == 1 + 4
    assert item_size({"ok": True, "none": None}) == 2 + 1
    assert item_size({"é": "ü"}) == 2 + 2
    assert item_size({"m": {"a": "b"}, "l": ["x", "y"]}) == (1 + 3 + 1 + 1 + 1) + (1 + 3 + 2 + 2)


def test_expiring_items_are_not_stored_and_gsi_copies_are_counted():
    message = {"PK": "CONV#1", "SK": "MESSAGE#1", "content": "hello"}
    listed = {"PK": "CONV#1", "SK": "PARTICIPANT#u", GSI1PK: "USER#u", GSI1SK: "2026#1"}
    connection = {"PK": "CONNECTION#c", "SK": "METADATA", EXPIRES_AT: 1}
    table, index = stored_bytes([message, listed, connection])
    assert table == item_size(message) + item_size(listed) + 2 * ITEM_OVERHEAD_BYTES
    assert index == item_size(listed) + ITEM_OVERHEAD_BYTES
