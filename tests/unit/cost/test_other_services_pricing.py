"""Cognito, CloudWatch, X-Ray, Scheduler, SNS and data transfer."""

from __future__ import annotations

from decimal import Decimal

import pytest


def line(bill, service, item):
    return next(ln for ln in bill.services[service].lines if ln.item == item)


def test_cloudwatch_logs_example_is_13_43(price):
    # CloudWatch pricing page, logs example: 1 GB a day for a 30-day month, 3 metrics, 6 GB archived.
    # ingestion: 30 GB - 5 GB free = 25 x $0.50 = $12.50 ; archive: 6 GB - 5 GB free = 1 x $0.03 = $0.03
    # (the example charges the 3 metrics without the free ones: 3 x $0.30 = $0.90 -> total $13.43)
    logs = price({"cloudwatch": {"logs_ingested_gb": 30, "logs_stored_gb": 6}}, free_tier="always")
    metrics = price({"cloudwatch": {"custom_metrics": 3}}, free_tier="none")

    assert line(logs, "cloudwatch", "logs ingested (Standard)").cost == Decimal("12.50")
    assert line(logs, "cloudwatch", "logs stored (archive)").cost == Decimal("0.03")
    assert metrics.total == Decimal("0.90")
    assert logs.total + metrics.total == Decimal("13.43")


def test_cloudwatch_detailed_monitoring_example_is_21(price):
    # CloudWatch pricing page: 10 instances x 7 detailed-monitoring metrics = 70 metrics x $0.30 = $21.00
    bill = price({"cloudwatch": {"custom_metrics": 70}}, free_tier="none")

    assert bill.total == Decimal("21.00")


def test_custom_metric_tiers(price):
    # 1,200,000 metrics: 10,000 x 0.30 = 3,000 ; 240,000 x 0.10 = 24,000 ; 750,000 x 0.05 = 37,500 ;
    # 200,000 x 0.02 = 4,000 ; total 68,500.00
    bill = price({"cloudwatch": {"custom_metrics": 1_200_000}}, free_tier="none")

    assert bill.total == Decimal("68500.00")


def test_free_custom_metrics_are_the_first_of_the_first_tier(price):
    # 10,010 metrics with 10 free: 10,000 - 10 = 9,990 x 0.30 = 2,997.00 ; 10 x 0.10 = 1.00 -> 2,998.00
    bill = price({"cloudwatch": {"custom_metrics": 10_010}}, free_tier="always")

    assert bill.total == Decimal("2998.00")


def test_dashboards_and_alarms(price):
    # dashboards 5 - 3 free = 2 x $3 = $6.00 ; alarms 25 - 10 free = 15 x $0.10 = $1.50 ;
    # high-resolution alarms 4 x $0.30 = $1.20 (no free tier) ; GetMetricData 1,000,000 x $0.01/1,000 = $10.00
    bill = price(
        {
            "cloudwatch": {
                "dashboards": 5,
                "alarms": 25,
                "high_resolution_alarms": 4,
                "get_metric_data_metrics": 1_000_000,
            }
        }
    )

    assert bill.total == Decimal("18.70")


def test_xray_example_is_0_24(price):
    # X-Ray pricing page example 1: 2,000 requests an hour x 24 x 31 days x 10% sampling = 148,800 traces;
    # 148,800 - 100,000 free = 48,800 x $0.000005 = $0.24 ; 775,000 retrieved/scanned, all in the 1M free
    recorded = 2_000 * 24 * 31 * 0.10
    bill = price({"xray": {"traces_recorded": recorded, "traces_retrieved": 775_000}})

    assert line(bill, "xray", "traces recorded").cost == Decimal("0.24")
    assert line(bill, "xray", "traces retrieved or scanned").cost == 0
    assert bill.total == Decimal("0.24")


@pytest.mark.parametrize(
    ("plan", "users", "expected"),
    [
        # Essentials: 100,000 - 10,000 free = 90,000 x $0.015 = $1,350.00
        ("essentials", 100_000, Decimal("1350.00")),
        # Lite: 90,000 x 0.0055 = 495 ; + 900,000 x 0.0046 = 4,140 ; + 1,000,000 x 0.00325 = 3,250 -> 7,885.00
        ("lite", 2_000_000, Decimal("7885.00")),
        # Plus: no free tier, 5,000 x $0.02 = $100.00
        ("plus", 5_000, Decimal("100.00")),
        # Essentials under the free 10,000
        ("essentials", 10_000, Decimal("0")),
    ],
)
def test_cognito_plans(price, plan, users, expected):
    bill = price({"cognito": {"monthly_active_users": users, "plan": plan}})

    assert bill.services["cognito"].cost == expected


def test_scheduler_sns_and_data_transfer(price):
    # scheduler: 20M - 14M free = 6M x $1.00/M = $6.00
    # sns: publishes 3M - 1M = 2M x $0.50/M = $1.00 ; HTTP 1.1M - 100k = 1M x $0.60/M = $0.60 ;
    #      email 101,000 - 1,000 = 100,000 x $2.00/100k = $2.00
    # data out: 20,000 GB - 100 free = 10,140 x 0.09 (to 10,240) = 912.60 ; 9,760 x 0.085 = 829.60 -> 1,742.20
    bill = price(
        {
            "scheduler": {"invocations": 20_000_000},
            "sns": {"publishes": 3_000_000, "http_notifications": 1_100_000, "email_notifications": 101_000},
            "data_transfer_out_gb": 20_000,
        }
    )

    assert bill.services["scheduler"].cost == Decimal("6.00")
    assert bill.services["sns"].cost == Decimal("3.60")
    assert bill.services["data_transfer_out_gb"].cost == Decimal("1742.20")
