"""Moved to :mod:`kit.price_sheet` (the price sheet and engine alarms, dashboards and cost share);
re-exported here so that callers written before the move keep working."""

from __future__ import annotations

from kit.price_sheet import (
    DEFAULT_SHEET,
    FREE_TIER_MODES,
    FreeAllowance,
    FreeTierMode,
    Meter,
    PriceSheet,
    Tier,
    load_price_sheet,
    parse_price_sheet,
    sheet_to_mapping,
)

__all__ = [
    "DEFAULT_SHEET",
    "FREE_TIER_MODES",
    "FreeAllowance",
    "FreeTierMode",
    "Meter",
    "PriceSheet",
    "Tier",
    "load_price_sheet",
    "parse_price_sheet",
    "sheet_to_mapping",
]
