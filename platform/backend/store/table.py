"""A small typed face over the DynamoDB client: native Python values in and out.

The low-level client is used instead of ``boto3.resource``: it is cheaper to import and to
create, which is most of a cold start.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import boto3
from aws_lambda_powertools.metrics import MetricUnit
from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.config import Config
from botocore.exceptions import ClientError

from backend.errors import ServiceUnavailable
from backend.settings import get_settings
from backend.snapstart import after_restore
from backend.store import sizes

Item = dict[str, Any]

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()

# Bounded retries with botocore's standard backoff: throttles and 5xx are retried a few times,
# then surface instead of stretching the request past API Gateway's 29 s limit.
_CLIENT_CONFIG = Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=2, read_timeout=5)


# The store's own retries, for what botocore does not retry: unprocessed keys of a batch
# read, TransactionConflictException on a single-item write, and transactions cancelled by a
# conflict or a throttle. Full jitter (a pause drawn from [0, min(cap, base * 2**attempt)])
# spreads the retries of concurrent invocations; at most ~1.5 s in all, far inside API
# Gateway's 29 s, then ``503 service_busy`` with Retry-After.
MAX_ATTEMPTS = 6
BACKOFF_BASE_S = 0.025
BACKOFF_CAP_S = 0.5
RETRY_AFTER_S = 1
_RETRYABLE_REASONS = {"TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded", "None"}


def _pause(seconds: float) -> None:
    time.sleep(seconds)


def _backoff(attempt: int) -> None:
    _pause(random.uniform(0, min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2**attempt)))  # noqa: S311 (jitter, not a secret)


def _busy(what: str) -> ServiceUnavailable:
    from backend.observability import logger, metrics  # the store is imported before them

    metrics.add_metric(name="DependencyThrottles", unit=MetricUnit.Count, value=1)
    logger.warning("dependency unavailable after retries", extra={"fault": what, "attempts": MAX_ATTEMPTS})
    return ServiceUnavailable("the service is busy; retry shortly", code="service_busy", retry_after=RETRY_AFTER_S)


def _retrying(call: Callable[[], Any], retryable: Callable[[Exception], bool], what: str) -> Any:
    """``call()``, retried with jittered backoff while it fails with a retryable error."""
    for attempt in range(MAX_ATTEMPTS):
        try:
            return call()
        except Exception as error:
            if not retryable(error):
                raise
            if attempt == MAX_ATTEMPTS - 1:
                raise _busy(what) from error
            _backoff(attempt)
    raise AssertionError("unreachable")  # pragma: no cover


def _error_code(error: Exception) -> str:
    return str(error.response.get("Error", {}).get("Code", "")) if isinstance(error, ClientError) else ""


def _is_conflict(error: Exception) -> bool:
    return _error_code(error) == "TransactionConflictException"


def _cancellation_reasons(error: ClientError) -> list[str]:
    return [r.get("Code", "None") for r in error.response.get("CancellationReasons", [])]


def _is_retryable_cancellation(error: Exception) -> bool:
    """A transaction cancelled only by conflicts or throttles (no condition failed)."""
    if _error_code(error) != "TransactionCanceledException":
        return False
    reasons = _cancellation_reasons(error)  # type: ignore[arg-type]
    return bool(reasons) and set(reasons) <= _RETRYABLE_REASONS and set(reasons) != {"None"}


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
            _retrying(lambda: self.client.put_item(**args), _is_conflict, "PutItem conflict")
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
            response = _retrying(lambda: self.client.update_item(**args), _is_conflict, "UpdateItem conflict")
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

    def batch_get(self, keys: Sequence[Mapping[str, str]]) -> list[Item]:
        """Up to 100 items by key; unprocessed keys (a throttled read) are retried with jittered
        backoff, then ServiceUnavailable (503 service_busy)."""
        if not keys:
            return []
        if len(keys) > 100:
            raise ValueError("batch_get takes at most 100 keys")
        pending: list[dict[str, Any]] = [serialize(k) for k in keys]
        found: list[Item] = []
        for attempt in range(MAX_ATTEMPTS):
            response = self.client.batch_get_item(RequestItems={self.name: {"Keys": pending}})
            found.extend(deserialize(i) for i in response.get("Responses", {}).get(self.name, []))
            pending = response.get("UnprocessedKeys", {}).get(self.name, {}).get("Keys", [])
            if not pending:
                return found
            if attempt < MAX_ATTEMPTS - 1:
                _backoff(attempt)
        raise _busy(f"BatchGetItem: {len(pending)} keys unprocessed")

    def transact_write(self, actions: Sequence[Mapping[str, Any]]) -> None:
        """TransactWriteItems over native actions: each ``{"Put"|"Update"|"Delete"|
        "ConditionCheck": {...}}`` with Item/Key/values given as Python values."""
        items = [self._action(a) for a in actions]
        try:
            _retrying(
                lambda: self.client.transact_write_items(TransactItems=items),
                lambda e: _is_retryable_cancellation(e) or _is_conflict(e),
                "TransactWriteItems conflict",
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "TransactionCanceledException":
                raise TransactionCancelled(_cancellation_reasons(error)) from error
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
