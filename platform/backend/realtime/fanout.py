"""Deliver one frame to many connections at once, with a bounded pool of threads.

A 410 deletes that connection and leaves the others alone; any other failure is logged and
counted. Delivery is at least once: clients drop duplicates by messageId, and catch up after
a reconnect with ``GET .../messages?after=``.
"""

from __future__ import annotations

import json
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


class Fanout:
    """A reusable pool (created once per environment, not per invocation)."""

    def __init__(self, pool_size: int) -> None:
        self._pool = ThreadPoolExecutor(max_workers=pool_size, thread_name_prefix="fanout")

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

        def post(target: Target) -> tuple[Target, str]:
            try:
                sender.post(target.connection_id, data)
            except GoneConnection:
                if on_gone is not None:
                    on_gone(target)
                return target, "gone"
            except DeliveryFailed:
                return target, "failed"
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
