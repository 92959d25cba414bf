"""DynamoDB on-demand (prices in force since 1 November 2024) and S3 Standard."""

from __future__ import annotations

from decimal import Decimal


def line(bill, service, item):
    return next(ln for ln in bill.services[service].lines if ln.item == item)


def test_on_demand_request_units_at_the_november_2024_prices(price):
    # 80M WRU x $0.625/M = $50.00 ; 200M RRU x $0.125/M = $25.00
    bill = price({"dynamodb": {"write_request_units": 80_000_000, "read_request_units": 200_000_000}})

    assert line(bill, "dynamodb", "write request units").cost == Decimal("50.00")
    assert line(bill, "dynamodb", "read request units").cost == Decimal("25.00")
    assert bill.total == Decimal("75.00")


def test_table_storage_has_25_gb_free_and_pitr_has_none(price):
    # storage: 65 GB - 25 GB free = 40 x $0.25 = $10.00 ; PITR: 65 GB x $0.20 = $13.00
    bill = price({"dynamodb": {"storage_gb": 65, "pitr_storage_gb": 65}})

    assert line(bill, "dynamodb", "table storage").free_quantity == 25
    assert line(bill, "dynamodb", "table storage").cost == Decimal("10.00")
    assert line(bill, "dynamodb", "point-in-time recovery").cost == Decimal("13.00")


def test_stream_reads_have_2_5_million_free(price):
    # 10M - 2.5M free = 7.5M x $0.02 per 100,000 = $1.50
    bill = price({"dynamodb": {"stream_read_request_units": 10_000_000}})

    assert line(bill, "dynamodb", "stream read request units").cost == Decimal("1.50")


def test_s3_standard_month(price):
    # 100 GB x $0.023 = $2.30 ; 50,000 PUT x $0.005/1,000 = $0.25 ; 1,000,000 GET x $0.0004/1,000 = $0.40
    bill = price({"s3": {"storage_gb": 100, "put_requests": 50_000, "get_requests": 1_000_000}}, free_tier="always")

    assert bill.services["s3"].cost == Decimal("2.95")


def test_s3_storage_tier_boundary_at_50_tb(price):
    # 60 TB = 61,440 GB: 51,200 x $0.023 = 1,177.60 ; 10,240 x $0.022 = 225.28 ; total 1,402.88
    bill = price({"s3": {"storage_gb": 61_440}}, free_tier="none")

    assert line(bill, "s3", "S3 Standard storage").cost == Decimal("1402.88")


def test_s3_legacy_free_tier(price):
    # legacy 12-month offer: 5 GB, 2,000 PUT, 20,000 GET free
    # storage 10 - 5 = 5 x 0.023 = 0.115 -> $0.12 ; PUT 12,000 - 2,000 = 10,000 x 0.000005 = $0.05 ;
    # GET 20,000 - 20,000 = 0 -> $0.00 ; total $0.17
    bill = price({"s3": {"storage_gb": 10, "put_requests": 12_000, "get_requests": 20_000}}, free_tier="legacy")

    assert bill.services["s3"].cost == Decimal("0.17")
