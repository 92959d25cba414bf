"""SnapStart: after a restore, each environment has its own fan-out pool, its own connections
and its own id sequence. "Restored copies" are forked children of one initialized process,
which share its memory exactly as environments restored from one snapshot do."""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable
from typing import Any

import pytest
from backend import adapters, ids, snapstart
from backend.realtime.fanout import Fanout
from backend.services.accounts import cognito_client
from backend.services.uploads import s3_client
from backend.store.table import dynamodb_client, get_table
from infra.provision import ProvisionedResources


def test_after_restore_the_pool_and_connections_are_new(stack: ProvisionedResources) -> None:
    adapters.use()  # the real adapters, as in Lambda
    pool, sender = adapters.fanout(), adapters.sender()
    clients = (dynamodb_client(), get_table(), s3_client(), cognito_client())

    snapstart.run_after_restore()

    assert adapters.fanout() is not pool
    assert pool._pool._shutdown  # the snapshot's threads are stopped
    assert adapters.sender() is not sender
    after = (dynamodb_client(), get_table(), s3_client(), cognito_client())
    assert all(new is not old for new, old in zip(after, clients, strict=True))
    adapters.use(fanout=Fanout(2))


def _restored_copy_ids(restore: bool, frozen_ms: int) -> list[str]:
    """Two copies forked from this process issue an id each in the snapshot's millisecond."""
    context = multiprocessing.get_context("fork")
    results = context.Queue()

    def child() -> None:
        time.time_ns = lambda: frozen_ms * 1_000_000  # both copies resume in the same millisecond
        if restore:
            snapstart.run_after_restore()
        results.put(ids.new_id())

    copies = [context.Process(target=child) for _ in range(2)]
    for copy in copies:
        copy.start()
    out = [results.get(timeout=30) for _ in copies]
    for copy in copies:
        copy.join(30)
    return out


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork to copy a process")
def test_two_restored_copies_issue_distinct_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    frozen_ms = time.time_ns() // 1_000_000
    monkeypatch.setattr(time, "time_ns", lambda: frozen_ms * 1_000_000)
    ids.new_id()  # init issued an id: the provider remembers this millisecond and its randomness

    # Without the hook both copies continue the snapshot's sequence: the same id twice.
    first, second = _restored_copy_ids(restore=False, frozen_ms=frozen_ms)
    assert first == second
    # With it each copy starts a sequence of its own.
    first, second = _restored_copy_ids(restore=True, frozen_ms=frozen_ms)
    assert first != second
    assert ids.is_id(first) and ids.is_id(second)


def test_hooks_register_once_and_run_in_order() -> None:
    calls: list[str] = []

    def hook_a() -> None:
        calls.append("a")

    def hook_b() -> None:
        calls.append("b")

    hooks: list[Callable[[], None]] = [hook_a, hook_b, hook_a]
    saved: list[Any] = list(snapstart._HOOKS)
    try:
        for hook in hooks:
            snapstart.after_restore(hook)
        snapstart.run_after_restore()
    finally:
        snapstart._HOOKS[:] = saved
    assert calls[-2:] == ["a", "b"]
