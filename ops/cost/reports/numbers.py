"""How reports write money and quantities."""

from __future__ import annotations

from decimal import Decimal


def money(amount: Decimal | float) -> str:
    """``$1,234.56``."""
    return f"${Decimal(str(amount)):,.2f}"


def quantity(value: Decimal | float) -> str:
    """A quantity, readable: thousands separated, few decimals, small values kept visible."""
    number = float(value)
    if number == 0:
        return "0"
    if abs(number) >= 1000 or number == int(number):
        return f"{number:,.0f}"
    if abs(number) >= 1:
        return f"{number:,.2f}"
    return f"{number:.4g}"


def published(range_: tuple[Decimal, Decimal] | None) -> str:
    """``$70-150`` for a published range, empty without one."""
    if range_ is None:
        return ""
    low, high = range_
    return f"${low:,.0f}-{high:,.0f}"


def percent(share: float) -> str:
    """``42%``."""
    return f"{share * 100:.0f}%"


def plain(value: Decimal) -> str:
    """A Decimal without exponent or trailing zeros (``540000``, ``0.4``), for CSV."""
    return f"{value.normalize():f}"


def unit_price(price: Decimal) -> str:
    """A unit price exactly as listed: ``$0.625``, ``$3.00``, ``$0.0000166667``."""
    exact = plain(price)
    decimals = len(exact.partition(".")[2])
    return f"${price:,.2f}" if decimals <= 2 else f"${exact}"
