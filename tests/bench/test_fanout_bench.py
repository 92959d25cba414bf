"""Fan-out of one message to 1,000 connections through a management endpoint that takes
10 ms per post: the bounded pool against sequential posting, side by side in one run.
Target: 0.5 s or less. Also the memory the pool adds (Lambda runs it within its memory size)."""

from __future__ import annotations

import time
import tracemalloc

from backend.realtime.fanout import Fanout, Target
from backend.settings import get_settings

from tests.support.realtime import FakeSender

POOLED_TARGET_S = 0.5
CONNECTIONS = 1000
POST_SECONDS = 0.010
MESSAGE = {"type": "message.new", "message": {"messageId": "01JD0000000000000000000000", "content": "x" * 200}}


def test_fanout_to_a_thousand_connections() -> None:
    targets = [Target(f"conn-{n}", f"user-{n % 50}") for n in range(CONNECTIONS)]
    pool_size = get_settings().fanout_pool_size
    sender = FakeSender(delay_s=POST_SECONDS)

    sequential = Fanout(1)
    start = time.perf_counter()
    sequential_report = sequential.deliver(sender, targets, MESSAGE)
    sequential_s = time.perf_counter() - start

    # Timed without tracemalloc (it slows every allocation several times), then once more
    # under it for the memory figure alone.
    sender.clear()
    pooled = Fanout(pool_size)
    start = time.perf_counter()
    report = pooled.deliver(sender, targets, MESSAGE)
    pooled_s = time.perf_counter() - start

    sender.clear()
    tracemalloc.start()
    Fanout(pool_size).deliver(sender, targets, MESSAGE)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    assert sequential_report.delivered == report.delivered == CONNECTIONS
    print(
        f"\nfan-out to {CONNECTIONS} connections at {POST_SECONDS * 1000:.0f} ms per post:"
        f"\n  sequential: {sequential_s:.2f} s"
        f"\n  pool of {pool_size}: {pooled_s:.3f} s (target <= {POOLED_TARGET_S} s),"
        f" {sequential_s / pooled_s:.1f}x faster"
        f"\n  peak Python memory during the pooled fan-out: {peak / 1024 / 1024:.1f} MiB"
    )
    assert pooled_s < sequential_s
    assert pooled_s <= POOLED_TARGET_S, f"pooled fan-out took {pooled_s:.3f} s (target <= {POOLED_TARGET_S} s)"
