"""Per-user limits count actions in fixed clock-minute windows (``backend.services.rate_limits``):
a test that expects the (limit+1)th action to be refused must not straddle a minute boundary,
where the count starts again as designed."""

from __future__ import annotations

import time


def within_one_window(seconds_needed: float = 3.0) -> None:
    """Return at once when ``seconds_needed`` remain in this clock minute; else wait for the next."""
    left = 60 - time.time() % 60
    if left < seconds_needed:
        time.sleep(left + 0.05)
