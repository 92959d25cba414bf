"""Behaviour-preserving speed-ups of moto, applied in the embedded AWS process only.

Measured with py-spy on the moto process during the end-to-end bench (`make bench`):

- **Query scans the whole table.** moto 5.2 answers every DynamoDB ``Query`` by sorting and
  scanning every item, so each query costs O(table size). A Query on the table itself (not
  an index) with a partition key can only return items of that partition: here moto's scan is
  narrowed to that partition. Results, ordering, pagination and errors are moto's own,
  computed over the same candidate items.
- **TransactWriteItems deep-copies the whole table** first, to roll back on failure: 53 % of
  the process's CPU at 10 sends/s, growing with the table. Here the transaction saves a copy
  of only the items it names, and a failed transaction puts exactly those back. moto's
  rollback also replaced the whole table with its copy, which lost writes that other
  requests made meanwhile; that is gone too.
- **Every UpdateItem parses its update expression twice** (request validation, then the
  backend), and every transaction item once more. The parse depends on the expression text
  only (values are bound later, on a deep copy), so each distinct text is parsed once.
- **Condition expressions are parsed twice per request** (request validation, then the
  backend), and a send's transaction holds several with the same text and values. The
  parse is a function of the text, the names and the values, so it is kept for each
  distinct combination (bounded); evaluation against an item does not change it.
- **Every request lists its handler class's methods** with ``inspect.getmembers`` to find
  the action (about 5 %). A class's methods do not change: each class is listed once.
- **Every request lists moto's package directory** (``list_of_moto_modules``, an ``isdir``
  per service) to find its backend: 5 %. The listing is read once.

DynamoDB actions also run one at a time (a lock around moto's DynamoDB handler). moto's
structures are not safe for concurrent threads, and DynamoDB's transactions are isolated from
other writes, which the lock also gives.
"""

from __future__ import annotations

import copy
import functools
import inspect
import json
import threading
from typing import Any

_local = threading.local()
_dynamodb_lock = threading.RLock()


def apply() -> None:
    """Patch moto (idempotent)."""
    from moto.dynamodb.models.table import Table

    if getattr(Table, "_twin_narrowed", False):
        return
    _narrow_queries(Table)
    _journal_transactions(Table)
    _serialize_dynamodb()
    _parse_update_expressions_once()
    _parse_conditions_once()
    _read_module_list_once()
    _list_handler_methods_once()
    Table._twin_narrowed = True  # type: ignore[attr-defined]


def _narrow_queries(table_class: Any) -> None:
    original_query = table_class.query
    original_all_items = table_class.all_items
    signature = inspect.signature(original_query)

    def all_items(self: Any) -> Any:
        narrowed = getattr(_local, "partition", None)
        if narrowed is None or narrowed[0] is not self:
            return original_all_items(self)
        partition = self.items.get(narrowed[1])
        if partition is None:
            return []
        items = list(partition.values()) if isinstance(partition, dict) else [partition]
        return sorted(items, key=lambda x: (x.hash_key, x.range_key) if x.range_key else x.hash_key)

    def query(self: Any, *args: Any, **kwargs: Any) -> Any:
        bound = signature.bind(self, *args, **kwargs)
        hash_key = bound.arguments.get("hash_key")
        if bound.arguments.get("index_name") or hash_key is None:
            return original_query(self, *args, **kwargs)
        _local.partition = (self, hash_key)
        try:
            return original_query(self, *args, **kwargs)
        finally:
            _local.partition = None

    table_class.query = query
    table_class.all_items = all_items


def _item_key(table: Any, op_type: str, op: dict[str, Any]) -> tuple[Any, Any] | None:
    """The (hash, range) DynamoTypes one transaction operation names, or None if malformed
    (moto then answers with its own validation error)."""
    from moto.dynamodb.models.dynamo_type import DynamoType

    attributes = op.get("Item") if op_type == "Put" else op.get("Key")
    if not isinstance(attributes, dict) or table.hash_key_attr not in attributes:
        return None
    hash_key = DynamoType(attributes[table.hash_key_attr])
    if table.range_key_attr is None:
        return hash_key, None
    if table.range_key_attr not in attributes:
        return None
    return hash_key, DynamoType(attributes[table.range_key_attr])


def _put_back(table: Any, hash_key: Any, range_key: Any, item: Any) -> None:
    """Make the table hold ``item`` (None: nothing) under the key, as before the transaction,
    without a stream record: the failed transaction never happened."""
    if range_key is None:
        if item is None:
            table.items.pop(hash_key, None)
        else:
            table.items[hash_key] = item
        return
    partition = table.items.get(hash_key)
    if item is not None:
        table.items[hash_key][range_key] = item
    elif partition is not None:
        partition.pop(range_key, None)
        if not partition:
            del table.items[hash_key]


def _journal_transactions(table_class: Any) -> None:
    from moto.dynamodb.models import DynamoDBBackend

    original = DynamoDBBackend.transact_write_items

    def table_deepcopy(self: Any, memo: dict[int, Any]) -> Any:
        if getattr(_local, "journaled", False):
            return self  # the transaction keeps its own copies of the items it touches
        clone = table_class.__new__(table_class)
        memo[id(self)] = clone
        for name, value in self.__dict__.items():
            setattr(clone, name, copy.deepcopy(value, memo))
        return clone

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        saved: list[tuple[Any, Any, Any, Any]] = []  # (table, hash, range, copy of the item or None)
        for entry in transact_items if isinstance(transact_items, list) else []:
            if not isinstance(entry, dict) or not entry:
                continue
            op_type, op = next(iter(entry.items()))
            table = self.tables.get(op.get("TableName")) if isinstance(op, dict) else None
            if table is None:
                continue
            key = _item_key(table, op_type, op)
            if key is not None:
                saved.append((table, *key, copy.deepcopy(table.get_item(*key))))
        _local.journaled = True
        try:
            original(self, transact_items)
        except Exception:
            for table, hash_key, range_key, item in reversed(saved):
                _put_back(table, hash_key, range_key, item)
            raise
        finally:
            _local.journaled = False

    table_class.__deepcopy__ = table_deepcopy
    DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]


def _serialize_dynamodb() -> None:
    from moto.dynamodb.responses import DynamoHandler

    original = DynamoHandler.call_action

    def call_action(self: Any) -> Any:
        with _dynamodb_lock:
            return original(self)

    DynamoHandler.call_action = call_action  # type: ignore[method-assign]


def _parse_update_expressions_once() -> None:
    from moto.dynamodb.parsing import expressions

    parser: Any = expressions.UpdateExpressionParser  # type: ignore[attr-defined]
    parse = parser.make.__func__
    cached = functools.lru_cache(maxsize=1024)(lambda text: parse(parser, text))
    parser.make = classmethod(lambda cls, text: cached(text))


def _parse_conditions_once() -> None:
    from moto.dynamodb.comparisons import ConditionExpressionParser

    original = ConditionExpressionParser.parse

    @functools.lru_cache(maxsize=4096)
    def parsed(text: str, names: str, values: str) -> tuple[Any, tuple[str, ...], tuple[str, ...]]:
        parser = ConditionExpressionParser(text, json.loads(names), json.loads(values))
        op = original(parser)
        return op, tuple(parser.expr_attr_names_found), tuple(parser.expr_attr_values_found)

    def parse(self: Any) -> Any:
        if not self.condition_expression:
            return original(self)
        try:
            names = json.dumps(self.expression_attribute_names, sort_keys=True)
            values = json.dumps(self.expression_attribute_values, sort_keys=True)
        except (TypeError, ValueError):
            return original(self)
        op, names_found, values_found = parsed(self.condition_expression, names, values)
        self.expr_attr_names_found.extend(names_found)
        self.expr_attr_values_found.extend(values_found)
        return op

    ConditionExpressionParser.parse = parse  # type: ignore[method-assign]


def _read_module_list_once() -> None:
    from moto import backends

    original = backends.list_of_moto_modules
    listing = functools.cache(lambda: tuple(original()))
    backends.list_of_moto_modules = listing


def _list_handler_methods_once() -> None:
    from moto.core import responses

    original = responses.method_names_from_class
    responses.method_names_from_class = functools.cache(lambda clazz: tuple(original(clazz)))  # type: ignore[assignment]
