"""The three free-tier modes on the same month: none, always (always free), legacy (plus the
12-month offers of accounts created before 15 July 2025)."""

from __future__ import annotations

from decimal import Decimal

import pytest

MONTH = {
    "lambda": [{"requests": 2_000_000, "duration_ms": 100, "memory_mb": 1024}],
    "apigateway": {
        "rest_requests": 2_000_000,
        "websocket_messages": 2_000_000,
        "websocket_connection_minutes": 1_000_000,
    },
    "s3": {"storage_gb": 10},
    "cloudwatch": {"dashboards": 4},
}


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        # none: lambda requests 2M x 0.2/M = 0.40 ; duration 2M x 0.1 s x 1 GB = 200,000 GB-s x 0.0000166667
        #       = 3.33334 -> 3.33 ; REST 2M x 3.5/M = 7.00 ; messages 2.00 ; minutes 1M x 0.25/M = 0.25 ;
        #       S3 10 x 0.023 = 0.23 ; dashboards 4 x 3 = 12.00 -> 25.21
        ("none", Decimal("25.21")),
        # always: lambda requests 1M billed = 0.20 ; duration all free (200,000 < 400,000) ; REST 7.00 ;
        #         messages 2.00 ; minutes 0.25 ; S3 0.23 ; dashboards (4 - 3) x 3 = 3.00 -> 12.68
        ("always", Decimal("12.68")),
        # legacy: as always, plus REST 1M free -> 3.50 ; messages 1M free -> 1.00 ; minutes 750k free ->
        #         250,000 x 0.25/M = 0.0625 -> 0.06 ; S3 5 GB free -> 0.115 -> 0.12
        #         -> 0.20 + 3.50 + 1.00 + 0.06 + 0.12 + 3.00 = 7.88
        ("legacy", Decimal("7.88")),
    ],
)
def test_each_free_tier_mode(price, mode, expected):
    bill = price(MONTH, free_tier=mode)

    assert bill.total == expected
    assert bill.free_tier == mode


def test_no_free_quantity_is_reported_in_mode_none(price):
    bill = price(MONTH, free_tier="none")

    assert all(line.free_quantity == 0 for _, line in bill.lines())


def test_legacy_only_adds_to_always(sheet):
    for meter in sheet.meters.values():
        assert meter.free.amount("legacy") >= meter.free.amount("always") >= meter.free.amount("none") == 0
