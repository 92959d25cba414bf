"""The twin's freezer moves survivors out of the collector's way and stops when asked."""

from __future__ import annotations

import gc
import time

from ops.local.gc_freezer import SurvivorFreezer


def test_survivors_are_frozen_periodically_and_the_thread_stops() -> None:
    freezer = SurvivorFreezer(interval_s=0.05)
    try:
        freezer.start()
        at_start = gc.get_freeze_count()
        assert at_start > 0
        kept = [[i] for i in range(5_000)]  # survivors made after the start (lists are tracked)
        deadline = time.monotonic() + 5
        while gc.get_freeze_count() < at_start + len(kept) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert gc.get_freeze_count() >= at_start + len(kept)
    finally:
        freezer.stop()
        gc.unfreeze()  # give this test process its collector back
    assert freezer._thread is None
