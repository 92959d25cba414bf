"""Deliver one frame to many connections at once, with a bounded pool of threads.

A 410 deletes that connection and leaves the others alone; a 429, 5xx or timeout is retried
with jittered backoff while the fan-out's time budget lasts; any other failure, or one that
outlasts the budget, is logged and counted. Delivery is at least once: clients drop
duplicates by messageId, see a missed message as a gap in the conversation's ``seq``, and
catch up with ``GET .../messages?after=`` (docs/realtime.md).
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from backend.realtime.sender import ConnectionSender, DeliveryFailed, GoneConnection


@dataclass(frozen=True)
class Target:
    """One connection of one user."""

    connection_id: str
    user_id: str


@dataclass
class Report:
    """What happened to one fan-out."""

    delivered: int = 0
    gone: list[Target] = field(default_factory=list)
    failed: list[Target] = field(default_factory=list)
    seconds: float = 0.0


def encode(event: dict[str, Any]) -> bytes:
    """A server event as the frame clients receive."""
    return json.dumps(event, separators=(",", ":")).encode()


_BACKOFF_BASE_S = 0.05
_BACKOFF_CAP_S = 0.4


class Fanout:
    """A reusable pool (created once per environment, not per invocation).

    ``retry_budget_s`` bounds how long one fan-out keeps retrying throttled or failed posts;
    it stays far below the function's timeout so the invocation always finishes."""

    def __init__(self, pool_size: int, *, retry_budget_s: float = 2.0) -> None:
        self._pool = ThreadPoolExecutor(max_workers=pool_size, thread_name_prefix="fanout")
        self._budget_s = retry_budget_s

    def close(self) -> None:
        """Stop the pool's threads (idle ones at once; none are busy between invocations)."""
        self._pool.shutdown(wait=False)

    def deliver(
        self,
        sender: ConnectionSender,
        targets: Sequence[Target],
        event: dict[str, Any],
        on_gone: Callable[[Target], None] | None = None,
    ) -> Report:
        """Post ``event`` to every target concurrently; ``on_gone`` runs for each 410."""
        report = Report()
        if not targets:
            return report
        data = encode(event)
        start = time.perf_counter()
        deadline = time.monotonic() + self._budget_s

        def post(target: Target) -> tuple[Target, str]:
            attempt = 0
            while True:
                try:
                    sender.post(target.connection_id, data)
                except GoneConnection:
                    if on_gone is not None:
                        on_gone(target)
                    return target, "gone"
                except DeliveryFailed as failure:
                    pause = random.uniform(0, min(_BACKOFF_CAP_S, _BACKOFF_BASE_S * 2**attempt))  # noqa: S311
                    if not failure.retryable or time.monotonic() + pause > deadline:
                        return target, "failed"
                    time.sleep(pause)
                    attempt += 1
                    continue
                return target, "delivered"

        for target, outcome in self._pool.map(post, targets):
            if outcome == "delivered":
                report.delivered += 1
            elif outcome == "gone":
                report.gone.append(target)
            else:
                report.failed.append(target)
        report.seconds = time.perf_counter() - start
        return report
