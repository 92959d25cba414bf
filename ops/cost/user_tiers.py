"""User tiers (``--tiers``), budgets (``--budget``) and the architecture's published ranges."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Literal

from ops.cost.errors import OptionError

DEFAULT_TIERS = "free=1000,light=5000,medium=10000"
# The monthly cost range the architecture promises for each tier, in USD.
PUBLISHED_RANGES: dict[str, tuple[Decimal, Decimal]] = {
    "free": (Decimal(1), Decimal(5)),
    "light": (Decimal(20), Decimal(40)),
    "medium": (Decimal(70), Decimal(150)),
}
Verdict = Literal["below", "within", "above"]


@dataclass(frozen=True)
class UserTier:
    """A named number of monthly active users."""

    name: str
    users: int


def parse_tiers(text: str) -> list[UserTier]:
    """``free=1000,light=5000`` -> tiers, in the order given.

    Raises
    ------
    OptionError
        A pair without ``=``, a repeated name, or a user count that is not a positive integer.
    """
    tiers: list[UserTier] = []
    for name, value in _pairs(text, "--tiers"):
        try:
            users = int(value)
        except ValueError:
            raise OptionError(f"--tiers: {name}: users must be a whole number (got {value!r})") from None
        if users <= 0:
            raise OptionError(f"--tiers: {name}: users must be positive (got {users})")
        if any(tier.name == name for tier in tiers):
            raise OptionError(f"--tiers: tier {name!r} given twice")
        tiers.append(UserTier(name, users))
    if not tiers:
        raise OptionError("--tiers: give at least one tier, e.g. free=1000")
    return tiers


def parse_budgets(values: Iterable[str], tiers: Sequence[UserTier]) -> dict[str, Decimal]:
    """``["medium=150", "light=40,free=5"]`` -> budget per tier name, in USD a month.

    Raises
    ------
    OptionError
        A pair without ``=``, an amount that is not a non-negative number, or a tier that
        ``--tiers`` does not define.
    """
    known = {tier.name for tier in tiers}
    budgets: dict[str, Decimal] = {}
    for text in values:
        for name, value in _pairs(text, "--budget"):
            if name not in known:
                raise OptionError(f"--budget: no tier {name!r} (tiers: {', '.join(sorted(known))})")
            try:
                amount = Decimal(value.lstrip("$"))
            except InvalidOperation:
                raise OptionError(f"--budget: {name}: amount must be a number (got {value!r})") from None
            if not amount.is_finite() or amount < 0:
                raise OptionError(f"--budget: {name}: amount must be a number >= 0 (got {value!r})")
            budgets[name] = amount
    return budgets


def verdict(total: Decimal, published: tuple[Decimal, Decimal]) -> Verdict:
    """Where ``total`` falls against a published ``(low, high)`` range."""
    low, high = published
    if total < low:
        return "below"
    return "above" if total > high else "within"


def _pairs(text: str, option: str) -> list[tuple[str, str]]:
    pairs = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        name, sep, value = part.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise OptionError(f"{option}: {part!r} is not NAME=VALUE")
        pairs.append((name.strip(), value.strip()))
    return pairs
