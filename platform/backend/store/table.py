"""A small typed face over the DynamoDB client: native Python values in and out.

The low-level client is used instead of ``boto3.resource``: it is cheaper to import and to
create, which is most of a cold start.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import boto3
from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.config import Config
from botocore.exceptions import ClientError

from backend.settings import get_settings
from backend.snapstart import after_restore
from backend.store import sizes

Item = dict[str, Any]

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()

# Bounded retries with botocore's standard backoff: throttles and 5xx are retried a few times,
# then surface instead of stretching the request past API Gateway's 29 s limit.
_CLIENT_CONFIG = Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=2, read_timeout=5)


def serialize(item: Mapping[str, Any]) -> dict[str, Any]:
    """Python values to DynamoDB's attribute-value form."""
    return {k: _serializer.serialize(v) for k, v in item.items() if v is not None}


def deserialize(item: Mapping[str, Any]) -> Item:
    """DynamoDB's attribute-value form to Python values (numbers become int when whole)."""
    out: Item = {}
    for key, value in item.items():
        native = _deserializer.deserialize(value)
        out[key] = _plain(native)
    return out


def _plain(value: Any) -> Any:
    from decimal import Decimal

    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


@dataclass(frozen=True)
class TransactionCancelled(Exception):
    """A TransactWriteItems call was cancelled; ``reasons`` holds one code per item."""

    reasons: list[str]

    def failed(self, index: int) -> bool:
        """True when item ``index`` failed its condition."""
        return index < len(self.reasons) and self.reasons[index] == "ConditionalCheckFailed"


class ConditionFailed(Exception):
    """A conditional write found the item not in the expected state."""


@dataclass
class Page:
    """One page of a query and the key to continue from."""

    items: list[Item]
    last_key: dict[str, Any] | None


class Table:
    """The single table, addressed with native Python values."""

    def __init__(self, client: Any, name: str) -> None:
        self.client = client
        self.name = name

    def get(self, key: Mapping[str, str], *, consistent: bool = False) -> Item | None:
        """One item by key, or None."""
        response = self.client.get_item(TableName=self.name, Key=serialize(key), ConsistentRead=consistent)
        item = response.get("Item")
        return deserialize(item) if item else None

    def put(self, item: Mapping[str, Any], *, condition: str | None = None) -> None:
        """Write an item; ConditionFailed when ``condition`` does not hold."""
        args: dict[str, Any] = {"TableName": self.name, "Item": serialize(item)}
        if condition:
            args["ConditionExpression"] = condition
        try:
            self.client.put_item(**args)
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                raise ConditionFailed from error
            raise
        sizes.record([item])

    def update(
        self,
        key: Mapping[str, str],
        expression: str,
        values: Mapping[str, Any] | None = None,
        *,
        names: Mapping[str, str] | None = None,
        condition: str | None = None,
        returns: str = "NONE",
    ) -> Item | None:
        """UpdateItem; ConditionFailed when ``condition`` does not hold."""
        args: dict[str, Any] = {
            "TableName": self.name,
            "Key": serialize(key),
            "UpdateExpression": expression,
            "ReturnValues": returns,
        }
        if values:
            args["ExpressionAttributeValues"] = serialize(values)
        if names:
            args["ExpressionAttributeNames"] = dict(names)
        if condition:
            args["ConditionExpression"] = condition
        try:
            response = self.client.update_item(**args)
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                raise ConditionFailed from error
            raise
        attributes = response.get("Attributes")
        return deserialize(attributes) if attributes else None

    def query(
        self,
        condition: str,
        values: Mapping[str, Any],
        *,
        index: str | None = None,
        limit: int | None = None,
        forward: bool = True,
        start_key: dict[str, Any] | None = None,
        names: Mapping[str, str] | None = None,
    ) -> Page:
        """One Query page (never a Scan)."""
        args: dict[str, Any] = {
            "TableName": self.name,
            "KeyConditionExpression": condition,
            "ExpressionAttributeValues": serialize(values),
            "ScanIndexForward": forward,
        }
        if index:
            args["IndexName"] = index
        if limit:
            args["Limit"] = limit
        if start_key:
            args["ExclusiveStartKey"] = serialize(start_key)
        if names:
            args["ExpressionAttributeNames"] = dict(names)
        response = self.client.query(**args)
        last = response.get("LastEvaluatedKey")
        return Page(
            items=[deserialize(i) for i in response.get("Items", [])],
            last_key=deserialize(last) if last else None,
        )

    def batch_get(self, keys: Sequence[Mapping[str, str]], *, attempts: int = 3) -> list[Item]:
        """Up to 100 items by key; unprocessed keys are retried a bounded number of times."""
        if not keys:
            return []
        if len(keys) > 100:
            raise ValueError("batch_get takes at most 100 keys")
        pending: list[dict[str, Any]] = [serialize(k) for k in keys]
        found: list[Item] = []
        for _ in range(attempts):
            response = self.client.batch_get_item(RequestItems={self.name: {"Keys": pending}})
            found.extend(deserialize(i) for i in response.get("Responses", {}).get(self.name, []))
            pending = response.get("UnprocessedKeys", {}).get(self.name, {}).get("Keys", [])
            if not pending:
                return found
        raise RuntimeError(f"{len(pending)} keys still unprocessed after {attempts} attempts")

    def transact_write(self, actions: Sequence[Mapping[str, Any]]) -> None:
        """TransactWriteItems over native actions: each ``{"Put"|"Update"|"Delete"|
        "ConditionCheck": {...}}`` with Item/Key/values given as Python values."""
        try:
            self.client.transact_write_items(TransactItems=[self._action(a) for a in actions])
        except ClientError as error:
            if error.response["Error"]["Code"] == "TransactionCanceledException":
                reasons = [r.get("Code", "None") for r in error.response.get("CancellationReasons", [])]
                raise TransactionCancelled(reasons) from error
            raise
        sizes.record(a["Put"]["Item"] for a in actions if "Put" in a)

    def _action(self, action: Mapping[str, Any]) -> dict[str, Any]:
        ((kind, spec),) = action.items()
        out: dict[str, Any] = {"TableName": self.name}
        for field, value in spec.items():
            if field in ("Item", "Key", "ExpressionAttributeValues"):
                out[field] = serialize(value)
            else:
                out[field] = value
        return {kind: out}


@lru_cache(maxsize=1)
def dynamodb_client() -> Any:
    """The process's DynamoDB client (created once; endpoint from AWS_ENDPOINT_URL if set)."""
    return boto3.client("dynamodb", region_name=get_settings().region, config=_CLIENT_CONFIG)


@lru_cache(maxsize=1)
def get_table() -> Table:
    """The process's table."""
    return Table(dynamodb_client(), get_settings().table_name)


@after_restore
def _new_connections() -> None:
    # Restored copies must not share the snapshot's connection pool.
    get_table.cache_clear()
    dynamodb_client.cache_clear()
