"""Tier bounds on the cumulative scale, `--tiers`, `--budget` and the published ranges."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kit.price_sheet import Tier
from kit.tiered_price import tiered_cost
from ops.cost.errors import OptionError
from ops.cost.user_tiers import DEFAULT_TIERS, UserTier, parse_budgets, parse_tiers, verdict

BANDS = (Tier(Decimal("0.30"), Decimal(10_000)), Tier(Decimal("0.10"), Decimal(250_000)), Tier(Decimal("0.05")))


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        (0, 10_000, Decimal("3000.00")),  # exactly the first band: 10,000 x 0.30
        (0, 10_001, Decimal("3000.10")),  # one unit into the second: + 0.10
        (10, 10_010, Decimal("2998.00")),  # 10 free: 9,990 x 0.30 + 10 x 0.10
        (20_000, 30_000, Decimal("1000.00")),  # free units past the first band: all at 0.10
        (0, 300_000, Decimal("29500.00")),  # 3,000 + 240,000 x 0.10 + 50,000 x 0.05
        (500, 500, Decimal("0")),
        (600, 500, Decimal("0")),
    ],
)
def test_tier_boundaries(first, last, expected):
    assert tiered_cost(Decimal(first), Decimal(last), BANDS) == expected


def test_default_tiers_are_the_architectures():
    assert parse_tiers(DEFAULT_TIERS) == [UserTier("free", 1000), UserTier("light", 5000), UserTier("medium", 10000)]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "give at least one tier"),
        ("free", "'free' is not NAME=VALUE"),
        ("free=", "'free=' is not NAME=VALUE"),
        ("free=1.5", "free: users must be a whole number"),
        ("free=0", "free: users must be positive"),
        ("a=1,a=2", "tier 'a' given twice"),
    ],
)
def test_bad_tiers(text, message):
    with pytest.raises(OptionError, match=message):
        parse_tiers(text)


def test_budgets_repeatable_and_comma_separated():
    tiers = parse_tiers(DEFAULT_TIERS)

    assert parse_budgets(["medium=150", "free=5,light=$40"], tiers) == {
        "medium": Decimal(150),
        "free": Decimal(5),
        "light": Decimal(40),
    }


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (["pro=10"], "no tier 'pro'"),
        (["medium=cheap"], "medium: amount must be a number"),
        (["medium=-1"], "medium: amount must be a number >= 0"),
        (["medium"], "'medium' is not NAME=VALUE"),
    ],
)
def test_bad_budgets(values, message):
    with pytest.raises(OptionError, match=message):
        parse_budgets(values, parse_tiers(DEFAULT_TIERS))


@pytest.mark.parametrize(
    ("total", "expected"),
    [(Decimal("0.99"), "below"), (Decimal(1), "within"), (Decimal(5), "within"), (Decimal("5.01"), "above")],
)
def test_verdict_against_the_published_free_tier_range(total, expected):
    assert verdict(total, (Decimal(1), Decimal(5))) == expected
