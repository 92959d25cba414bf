"""Answers injected in place of DynamoDB's, at the HTTP level, so botocore's parsing and the
store's own retries run for real (the HTTP-level trick: botocore keeps the first
``before-send`` answer, so moto's own handler is switched off for an injected call)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from backend.store.table import dynamodb_client
from botocore.awsrequest import AWSResponse
from moto.core import models as moto_models


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: object) -> Iterator[bytes]:
        yield self._body


Answer = tuple[int, dict[str, Any]]


@contextmanager
def answering(operation: str, answer: Callable[[dict[str, Any]], Answer], times: int) -> Iterator[list[int]]:
    """The next ``times`` calls of ``operation`` get ``answer(request body)`` (status, JSON body)
    instead of moto's; yields the number of calls seen."""
    calls = [0]

    def inject(request, **_: object):
        if not request.headers.get("X-Amz-Target", b"").endswith(f".{operation}".encode()):
            return None
        calls[0] += 1
        if calls[0] > times:
            return None
        status, body = answer(json.loads(request.body or b"{}"))
        moto_models.botocore_stubber.enabled = False
        headers = {"x-amzn-ErrorType": body["__type"].rsplit("#", 1)[-1]} if "__type" in body else {}
        return AWSResponse(request.url, status, headers, _Raw(json.dumps(body).encode()))

    def restore(**_: object) -> None:
        moto_models.botocore_stubber.enabled = True

    client = dynamodb_client()
    client.meta.events.register_first("before-send", inject)
    client.meta.events.register_last("before-send", restore)
    try:
        yield calls
    finally:
        client.meta.events.unregister("before-send", inject)
        client.meta.events.unregister("before-send", restore)
        moto_models.botocore_stubber.enabled = True


def all_unprocessed(request: dict[str, Any]) -> Answer:
    """BatchGetItem processing none of the keys (what a throttled read looks like)."""
    return 200, {"Responses": {t: [] for t in request["RequestItems"]}, "UnprocessedKeys": request["RequestItems"]}


def conflict(_: dict[str, Any]) -> Answer:
    """A single-item write that met an ongoing transaction."""
    return 400, {"__type": "com.amazonaws.dynamodb.v20120810#TransactionConflictException", "message": "conflict"}


def transaction_conflict(request: dict[str, Any]) -> Answer:
    """A transaction cancelled because another one touched its items."""
    reasons = [{"Code": "TransactionConflict", "Message": "conflict"}] + [
        {"Code": "None"} for _ in request["TransactItems"][1:]
    ]
    return 400, {
        "__type": "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
        "message": "Transaction cancelled [TransactionConflict]",
        "CancellationReasons": reasons,
    }


def failing(operation: str, code: str, status: int, times: int) -> Any:
    """The next ``times`` attempts of ``operation`` answer DynamoDB error ``code`` with HTTP
    ``status``, so botocore's own retry and backoff run for real; yields the attempt counter."""
    body = {"__type": f"com.amazonaws.dynamodb.v20120810#{code}", "message": "injected"}
    return answering(operation, lambda _request: (status, body), times)
