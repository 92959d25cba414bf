"""Lambda: AWS's worked examples from the pricing page, tiers, the shared free tier,
provisioned concurrency and ephemeral storage."""

from __future__ import annotations

from decimal import Decimal

import pytest


def line(bill, service, item):
    return next(ln for ln in bill.services[service].lines if ln.item == item)


def test_mobile_backend_example_is_2_73(price):
    # Lambda pricing page, "mobile application backend": 3M requests, 120 ms, 1536 MB, x86, free tier.
    # compute: 3,000,000 x 0.120 s x 1.5 GB = 540,000 GB-s; - 400,000 free = 140,000 x $0.0000166667 = $2.33
    # requests: 3M - 1M free = 2M x $0.20/M = $0.40; total $2.73
    bill = price({"lambda": [{"name": "chat", "requests": 3_000_000, "duration_ms": 120, "memory_mb": 1536}]})

    assert line(bill, "lambda", "duration x86_64").cost == Decimal("2.33")
    assert line(bill, "lambda", "requests").cost == Decimal("0.40")
    assert bill.total == Decimal("2.73")


def test_128_mb_30_million_requests_example_is_11_63(price):
    # Lambda pricing page example (128 MB, 30M executions of 200 ms):
    # compute: 30M x 0.2 s x 0.125 GB = 750,000 GB-s - 400,000 free = 350,000 x $0.0000166667 = $5.83
    # requests: 30M - 1M free = 29M x $0.20/M = $5.80; total $11.63
    bill = price({"lambda": [{"requests": 30_000_000, "duration_ms": 200, "memory_mb": 128}]})

    assert line(bill, "lambda", "duration x86_64").cost == Decimal("5.83")
    assert line(bill, "lambda", "requests").cost == Decimal("5.80")
    assert bill.total == Decimal("11.63")


def test_512_mb_3_million_one_second_example_at_todays_rate(price):
    # The page's older example (512 MB, 3M executions of 1 s) printed $18.74 with a rate of $0.00001667.
    # At today's $0.0000166667: 1,500,000 GB-s - 400,000 = 1,100,000 x 0.0000166667 = 18.333337 -> $18.33,
    # plus 2M requests x $0.20/M = $0.40 -> $18.73 (the cent is the rate change, not rounding).
    bill = price({"lambda": [{"requests": 3_000_000, "duration_ms": 1000, "memory_mb": 512}]})

    assert line(bill, "lambda", "duration x86_64").cost == Decimal("18.33")
    assert bill.total == Decimal("18.73")


def test_provisioned_concurrency_example_is_41_91(price):
    # Lambda pricing page, provisioned concurrency example: 1024 MB, concurrency 1,000 for 2 hours,
    # 1.2M executions of 1 s on the provisioned environments; no free tier for such functions.
    # concurrency: 1,000 x 1 GB x 7,200 s = 7,200,000 GB-s x $0.0000041667 = 30.00024 -> $30.00
    # duration: 1,200,000 s x 1 GB = 1,200,000 GB-s x $0.0000097222 = 11.66664 -> $11.67
    # requests: 1.2M x $0.20/M = $0.24 (the 1M free requests do not apply); total $41.91
    bill = price(
        {
            "lambda": [
                {
                    "name": "inference",
                    "memory_mb": 1024,
                    "provisioned": {"concurrency": 1000, "hours": 2, "requests": 1_200_000, "duration_ms": 1000},
                }
            ]
        }
    )

    assert line(bill, "lambda", "provisioned concurrency x86_64").cost == Decimal("30.00")
    assert line(bill, "lambda", "provisioned duration x86_64").cost == Decimal("11.67")
    assert line(bill, "lambda", "requests").cost == Decimal("0.24")
    assert line(bill, "lambda", "requests").free_quantity == 0
    assert bill.total == Decimal("41.91")


def test_on_demand_spillover_of_a_provisioned_function_gets_no_free_tier(price):
    # 100,000 on-demand requests x 1 s x 1 GB = 100,000 GB-s, all billed: x $0.0000166667 = $1.67
    # (a function without provisioned concurrency would have had them free)
    bill = price(
        {
            "lambda": [
                {
                    "requests": 100_000,
                    "duration_ms": 1000,
                    "memory_mb": 1024,
                    "provisioned": {"concurrency": 1, "hours": 1},
                }
            ]
        }
    )

    assert line(bill, "lambda", "duration x86_64").free_quantity == 0
    assert line(bill, "lambda", "duration x86_64").cost == Decimal("1.67")


def test_arm_compute_uses_the_arm_price(price):
    # 10M requests x 0.5 s x 1 GB = 5,000,000 GB-s arm; - 400,000 free = 4,600,000 x $0.0000133334
    # = 61.33364 -> $61.33; requests 9M x $0.20/M = $1.80
    bill = price({"lambda": [{"requests": 10_000_000, "duration_ms": 500, "memory_mb": 1024, "architecture": "arm64"}]})

    assert line(bill, "lambda", "duration arm64").cost == Decimal("61.33")
    assert bill.total == Decimal("63.13")


def test_free_gb_seconds_are_shared_by_both_architectures_x86_first(price):
    # x86: 1M x 0.3 s x 1 GB = 300,000 GB-s (all free); arm: 1M x 0.3 s x 1 GB = 300,000 GB-s,
    # of which the 100,000 left in the pool are free: 200,000 x $0.0000133334 = 2.66668 -> $2.67
    bill = price(
        {
            "lambda": [
                {"requests": 1_000_000, "duration_ms": 300, "memory_mb": 1024, "architecture": "x86_64"},
                {"requests": 1_000_000, "duration_ms": 300, "memory_mb": 1024, "architecture": "arm64"},
            ]
        }
    )

    assert line(bill, "lambda", "duration x86_64").cost == 0
    assert line(bill, "lambda", "duration arm64").free_quantity == 100_000
    assert line(bill, "lambda", "duration arm64").cost == Decimal("2.67")


def test_duration_tier_boundary_at_6_billion_gb_seconds(price):
    # 7,000,000,000 GB-s with no free tier: 6e9 x 0.0000166667 = 100,000.20 ; 1e9 x 0.0000150000 = 15,000.00
    # total 115,000.20 (requests: 7e9 x $0.0000002 = $1,400.00)
    bill = price(
        {"lambda": [{"requests": 7_000_000_000, "duration_ms": 1000, "memory_mb": 1024}]},
        free_tier="none",
    )

    assert line(bill, "lambda", "duration x86_64").cost == Decimal("115000.20")
    assert line(bill, "lambda", "requests").cost == Decimal("1400.00")


@pytest.mark.parametrize(
    ("gb_seconds", "expected"),
    [
        # 7.5e9 x 0.0000133334 = 100,000.50 (exactly the first arm tier)
        (7_500_000_000, Decimal("100000.50")),
        # + 11.25e9 x 0.0000120001 = 135,001.125 -> 235,001.625 -> $235,001.63
        (18_750_000_000, Decimal("235001.63")),
        # + 1.25e9 x 0.0000106667 = 13,333.375 -> 248,335.00
        (20_000_000_000, Decimal("248335.00")),
    ],
)
def test_arm_duration_tiers(price, gb_seconds, expected):
    bill = price(
        {"lambda": [{"requests": gb_seconds, "duration_ms": 1000, "memory_mb": 1024, "architecture": "arm64"}]},
        free_tier="none",
    )

    assert line(bill, "lambda", "duration arm64").cost == expected


def test_ephemeral_storage_above_512_mb(price):
    # 10,240 MB configured: 9,728 MB billable = 9.5 GB; 1M requests x 2 s = 2,000,000 s
    # 9.5 GB x 2,000,000 s = 19,000,000 GB-s x $0.0000000309 = 0.5871 -> $0.59
    bill = price(
        {
            "lambda": [
                {"requests": 1_000_000, "duration_ms": 2000, "memory_mb": 128, "ephemeral_storage_mb": 10240},
            ]
        }
    )

    assert line(bill, "lambda", "ephemeral storage over 512 MB x86_64").quantity == 19_000_000
    assert line(bill, "lambda", "ephemeral storage over 512 MB x86_64").cost == Decimal("0.59")


def test_default_512_mb_of_ephemeral_storage_is_free(price):
    bill = price(
        {"lambda": [{"requests": 1_000_000, "duration_ms": 2000, "memory_mb": 128, "ephemeral_storage_mb": 512}]}
    )

    assert all("ephemeral" not in ln.item for ln in bill.services["lambda"].lines)


def test_snapstart_cache_and_restores(price):
    # 1,024 MB cached all month: 730 h x 3,600 s x 1 GB = 2,628,000 GB-s x $0.0000015046 = $3.95;
    # 1,000 restores x 1 GB x $0.0001397998 = $0.14. No free tier for either.
    bill = price(
        {"lambda": [{"name": "chat", "memory_mb": 1024, "snapstart": {"cached_hours": 730, "restores": 1000}}]}
    )

    assert line(bill, "lambda", "SnapStart snapshot cache").cost == Decimal("3.95")
    assert line(bill, "lambda", "SnapStart restore").cost == Decimal("0.14")
    assert bill.total == Decimal("4.09")
