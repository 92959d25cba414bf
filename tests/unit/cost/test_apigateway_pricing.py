"""API Gateway: REST tiers, HTTP, WebSocket messages metered in 32 KB units, connection minutes."""

from __future__ import annotations

from decimal import Decimal

import pytest


def line(bill, item):
    return next(ln for ln in bill.services["apigateway"].lines if ln.item == item)


def test_rest_api_example_with_data_transfer_is_18_79(price):
    # API Gateway pricing page, REST API example: 5 million calls a month returning 3 KB each,
    # without the free tier: 5M x $3.50/M = $17.50; data out 5M x 3 KB = 15,000,000 KB
    # = 14.305 GB x $0.09 = 1.287 -> $1.29; total $18.79
    gigabytes = 5_000_000 * 3 / 1024 / 1024
    bill = price({"apigateway": {"rest_requests": 5_000_000}, "data_transfer_out_gb": gigabytes}, free_tier="none")

    assert line(bill, "REST API requests").cost == Decimal("17.50")
    assert bill.services["data_transfer_out_gb"].cost == Decimal("1.29")
    assert bill.total == Decimal("18.79")


def test_rest_tier_boundary_at_333_million(price):
    # 400M requests: 333M x $3.50/M = 1,165.50 ; 67M x $2.80/M = 187.60 ; total 1,353.10
    bill = price({"apigateway": {"rest_requests": 400_000_000}}, free_tier="none")

    assert line(bill, "REST API requests").cost == Decimal("1353.10")


def test_rest_tiers_past_one_billion(price):
    # 1.5B: 333M x 3.50 = 1,165.50 ; 667M x 2.80 = 1,867.60 ; 500M x 2.38 = 1,190.00 ; total 4,223.10
    bill = price({"apigateway": {"rest_requests": 1_500_000_000}}, free_tier="none")

    assert line(bill, "REST API requests").cost == Decimal("4223.10")


def test_http_api_tiers(price):
    # 400M HTTP calls: 300M x $1.00/M = 300.00 ; 100M x $0.90/M = 90.00 ; total 390.00
    bill = price({"apigateway": {"http_requests": 400_000_000}}, free_tier="none")

    assert line(bill, "HTTP API requests").cost == Decimal("390.00")


@pytest.mark.parametrize(
    ("message_kb", "units_per_message"),
    [(0, 1), (1, 1), (32, 1), (32.5, 2), (33, 2), (64, 2), (65, 3), (128, 4)],
)
def test_websocket_messages_are_metered_in_32_kb_units(price, message_kb, units_per_message):
    bill = price(
        {"apigateway": {"websocket_messages": 1_000_000, "websocket_message_kb": message_kb}}, free_tier="none"
    )

    messages = line(bill, "WebSocket messages (32 KB units)")
    assert messages.quantity == 1_000_000 * units_per_message
    # $1.00 per million units
    assert messages.cost == Decimal(units_per_message)


def test_websocket_chat_month(price):
    # 1,000 devices connected 24 h a day for 30 days, each sending and receiving 1 message a minute:
    # connection minutes 1,000 x 60 x 24 x 30 = 43,200,000 x $0.25/M = $10.80
    # messages 2 x 43,200,000 = 86,400,000 x $1.00/M = $86.40 ; total $97.20
    minutes = 1_000 * 60 * 24 * 30
    bill = price(
        {"apigateway": {"websocket_messages": 2 * minutes, "websocket_connection_minutes": minutes}}, free_tier="none"
    )

    assert line(bill, "WebSocket connection minutes").cost == Decimal("10.80")
    assert line(bill, "WebSocket messages (32 KB units)").cost == Decimal("86.40")
    assert bill.services["apigateway"].cost == Decimal("97.20")


def test_websocket_message_tier_past_one_billion(price):
    # 1.2B messages: 1B x $1.00/M = 1,000.00 ; 0.2B x $0.80/M = 160.00
    bill = price({"apigateway": {"websocket_messages": 1_200_000_000}}, free_tier="none")

    assert line(bill, "WebSocket messages (32 KB units)").cost == Decimal("1160.00")


def test_http_api_example_is_216(price):
    # API Gateway pricing page, HTTP API example: 216 million requests in a month, all in the first
    # tier: 216M x $1.00/M = $216.00 (no free tier)
    bill = price({"apigateway": {"http_requests": 216_000_000}}, free_tier="none")

    assert line(bill, "HTTP API requests").cost == Decimal("216.00")
