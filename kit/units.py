"""Units every cost figure shares: AWS prices a month as 730 hours."""

from __future__ import annotations

HOURS_PER_MONTH = 730.0
SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600
BYTES_PER_GB = 1024.0**3
