"""Moved to :mod:`kit.pricing` (the price sheet and engine alarms, dashboards and cost share);
re-exported here so that callers written before the move keep working."""

from __future__ import annotations

from kit.pricing import (
    ARCHITECTURES,
    FREE_EPHEMERAL_MB,
    MB_PER_GB,
    MS_PER_S,
    S_PER_HOUR,
    WEBSOCKET_UNIT_KB,
    dec,
    price_usage,
)

__all__ = [
    "ARCHITECTURES",
    "FREE_EPHEMERAL_MB",
    "MB_PER_GB",
    "MS_PER_S",
    "S_PER_HOUR",
    "WEBSOCKET_UNIT_KB",
    "dec",
    "price_usage",
]
