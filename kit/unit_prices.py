"""First-tier prices and always-free allowances of single meters, for figures computed where the
full engine cannot run (the dashboards' metric math): the same sheet, the same free tier."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from kit.price_sheet import FreeTierMode, PriceSheet, load_price_sheet


@dataclass(frozen=True)
class UnitPrice:
    """A meter's first-tier price per base unit and its free units a month."""

    meter: str
    usd: float
    unit: str
    free: float
    # The shared allowance this meter draws from (Lambda GB-seconds), if any.
    pool: str | None = None


def unit_price(sheet: PriceSheet, meter_id: str, mode: FreeTierMode = "always") -> UnitPrice:
    """``meter_id``'s first-tier price and free units in ``mode`` (a pool's whole amount for a
    pooled meter: the caller shares it)."""
    meter = sheet.meter(meter_id)
    pool = meter.free.pool
    free = sheet.pools[pool].amount(mode) if pool is not None else meter.free.amount(mode)
    return UnitPrice(meter_id, float(meter.tiers[0].price), meter.unit, float(free), pool)


@cache
def shipped_sheet() -> PriceSheet:
    """The price sheet shipped with the project (read once)."""
    return load_price_sheet()
