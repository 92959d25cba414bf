"""Tiered prices: the cost of a run of units on a meter's tier scale."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from kit.price_sheet import Tier


def tiered_cost(first: Decimal, last: Decimal, tiers: Sequence[Tier]) -> Decimal:
    """Cost of the units between ``first`` and ``last`` on the month's cumulative scale.

    Tier bounds are cumulative over the month (AWS's "first 333 million, next 667 million"), so
    units already covered by the free tier (``first`` of them) still count towards reaching
    the next tier, and a quantity spanning two bands is priced part in each.

    Examples
    --------
    >>> from kit.price_sheet import Tier
    >>> bands = [Tier(Decimal("0.10"), Decimal(100)), Tier(Decimal("0.05"))]
    >>> tiered_cost(Decimal(0), Decimal(150), bands)  # 100 x 0.10 + 50 x 0.05
    Decimal('12.50')
    """
    if last <= first:
        return Decimal(0)
    cost = Decimal(0)
    lower = Decimal(0)
    for tier in tiers:
        upper = tier.upto
        low = max(first, lower)
        high = last if upper is None else min(last, upper)
        if high > low:
            cost += (high - low) * tier.price
        if upper is None or last <= upper:
            break
        lower = upper
    return cost
