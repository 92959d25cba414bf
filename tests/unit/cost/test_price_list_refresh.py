"""`ops cost prices refresh`: the sheet rebuilt from Price List API answers (botocore Stubber on
responses shaped like the API's; moto has no pricing backend)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import boto3
import pytest
from botocore.stub import Stubber

from kit.price_sheet import load_price_sheet, parse_price_sheet
from ops.cost import cli
from ops.cost.price_list import refresh_sheet, write_sheet

SHEET = {
    "version": "2026-11-25.1",
    "region": "us-east-1",
    "currency": "USD",
    "effective_date": "2026-11-25",
    "meters": {
        "lambda.duration.x86_64": {
            "service": "lambda",
            "item": "duration x86_64",
            "unit": "GB-seconds",
            "tiers": [{"price": "0.00002"}],
            "free": {"always": 400000},
            "effective_date": "2020-12-01",
            "date_basis": "announced",
            "source": "https://aws.amazon.com/lambda/pricing/",
            "price_list": {"service_code": "AWSLambda", "filters": {"group": "AWS-Lambda-Duration"}},
        },
        "dynamodb.storage_gb": {
            "service": "dynamodb",
            "item": "table storage",
            "unit": "GB-months",
            "tiers": [{"price": "0.25"}],
            "free": {"always": 25},
            "effective_date": "2026-11-25",
            "date_basis": "checked",
            "source": "https://aws.amazon.com/dynamodb/pricing/on-demand/",
            "price_list": {"service_code": "AmazonDynamoDB", "filters": {"usagetype": "TimedStorage-ByteHrs"}},
        },
        "sns.publishes": {
            "service": "sns",
            "item": "publishes",
            "unit": "requests",
            "tiers": [{"price": "0.0000005"}],
            "effective_date": "2026-11-25",
            "date_basis": "checked",
            "source": "https://aws.amazon.com/sns/pricing/",
            "price_list": {"service_code": "AmazonSNS", "filters": {"usagetype": "USE1-Requests-Tier1"}},
        },
        "xray.traces_recorded": {
            "service": "xray",
            "item": "traces recorded",
            "unit": "traces",
            "tiers": [{"price": "0.000005"}],
            "effective_date": "2026-11-25",
            "date_basis": "checked",
            "source": "https://aws.amazon.com/xray/pricing/",
            "price_list": {"service_code": "AWSXRay", "filters": {"usagetype": "USE1-XRay-TracesStored"}},
        },
    },
}


def product(sku, dimensions, effective="2026-10-01T00:00:00Z"):
    """A PriceList entry as get_products returns it (a JSON string), aws_v1 format."""
    return json.dumps(
        {
            "product": {"sku": sku, "productFamily": "Serverless", "attributes": {"regionCode": "us-east-1"}},
            "serviceCode": "X",
            "terms": {
                "OnDemand": {
                    f"{sku}.JRTCKXETXF": {
                        "offerTermCode": "JRTCKXETXF",
                        "sku": sku,
                        "effectiveDate": effective,
                        "priceDimensions": {
                            f"{sku}.JRTCKXETXF.{index}": {
                                "rateCode": f"{sku}.JRTCKXETXF.{index}",
                                "beginRange": begin,
                                "endRange": end,
                                "unit": "Units",
                                "pricePerUnit": {"USD": usd},
                                "description": "",
                                "appliesTo": [],
                            }
                            for index, (begin, end, usd) in enumerate(dimensions)
                        },
                        "termAttributes": {},
                    }
                }
            },
            "version": "20261001000000",
            "publicationDate": "2026-10-01T00:00:00Z",
        }
    )


def expect(stubber, service_code, filters, price_list):
    terms = [{"Type": "TERM_MATCH", "Field": "regionCode", "Value": "us-east-1"}]
    terms += [{"Type": "TERM_MATCH", "Field": k, "Value": v} for k, v in filters.items()]
    stubber.add_response(
        "get_products",
        {"FormatVersion": "aws_v1", "PriceList": price_list},
        {"ServiceCode": service_code, "Filters": terms, "FormatVersion": "aws_v1"},
    )


@pytest.fixture
def pricing():
    client = boto3.client("pricing", region_name="us-east-1")
    with Stubber(client) as stubber:
        # Lambda x86 duration: three tiers, as the API lists them (out of order on purpose)
        expect(
            stubber,
            "AWSLambda",
            {"group": "AWS-Lambda-Duration"},
            [
                product(
                    "TG3M4CAGBA3NYQBH",
                    [
                        ("15000000000", "Inf", "0.0000133334"),
                        ("0", "6000000000", "0.0000166667"),
                        ("6000000000", "15000000000", "0.0000150000"),
                    ],
                )
            ],
        )
        # DynamoDB storage: a zero-priced first band (the free 25 GB) then $0.25
        expect(
            stubber,
            "AmazonDynamoDB",
            {"usagetype": "TimedStorage-ByteHrs"},
            [product("DDB1", [("0", "25", "0.0000000000"), ("25", "Inf", "0.2500000000")])],
        )
        # SNS: nothing matches
        expect(stubber, "AmazonSNS", {"usagetype": "USE1-Requests-Tier1"}, [])
        # X-Ray: two products with different prices: ambiguous
        expect(
            stubber,
            "AWSXRay",
            {"usagetype": "USE1-XRay-TracesStored"},
            [product("XR1", [("0", "Inf", "0.000005")]), product("XR2", [("0", "Inf", "0.000004")])],
        )
        yield client
        stubber.assert_no_pending_responses()


def test_refresh_updates_prices_and_keeps_what_it_cannot_match(pricing):
    sheet = parse_price_sheet(SHEET)

    result = refresh_sheet(pricing, sheet, today=dt.date(2026, 12, 1))

    duration = result.sheet.meters["lambda.duration.x86_64"]
    assert [(t.upto, t.price) for t in duration.tiers] == [
        (Decimal(6_000_000_000), Decimal("0.0000166667")),
        (Decimal(15_000_000_000), Decimal("0.0000150000")),
        (None, Decimal("0.0000133334")),
    ]
    assert duration.effective_date == dt.date(2026, 10, 1)
    assert duration.date_basis == "price-list"
    assert duration.free.always == 400_000  # free tier is the sheet's, not the API's
    storage = result.sheet.meters["dynamodb.storage_gb"]
    assert [(t.upto, t.price) for t in storage.tiers] == [(None, Decimal("0.2500000000"))]
    assert result.changed == ("lambda.duration.x86_64",)
    assert dict(result.unmatched) == {
        "sns.publishes": "no product with an on-demand USD price matches the query",
        "xray.traces_recorded": "2 products with different prices match the query",
    }
    assert result.sheet.meters["sns.publishes"] == sheet.meters["sns.publishes"]
    assert result.sheet.version == "2026-12-01.1"
    assert result.sheet.effective_date == dt.date(2026, 12, 1)


def test_refreshed_sheet_is_written_and_reads_back(pricing, tmp_path):
    result = refresh_sheet(pricing, parse_price_sheet(SHEET), today=dt.date(2026, 12, 1))
    path = tmp_path / "prices.yaml"

    write_sheet(result.sheet, path)
    again = load_price_sheet(path)

    assert again.meters["lambda.duration.x86_64"].tiers == result.sheet.meters["lambda.duration.x86_64"].tiers
    assert again.version == "2026-12-01.1"
    assert path.read_text().startswith("# The price sheet of `ops cost`")


def test_cli_refresh_writes_the_new_sheet_and_lists_what_it_kept(pricing, runner, tmp_path, monkeypatch):
    source = tmp_path / "old.yaml"
    source.write_text(json.dumps(SHEET))
    out = tmp_path / "new.yaml"
    monkeypatch.setattr(cli, "_client", lambda service, endpoint_url, region, profile=None: pricing)

    result = runner.invoke(cli.app, ["prices", "refresh", "--prices", str(source), "--output", str(out)])

    assert result.exit_code == 0, result.stderr
    assert "1 meter(s) changed price" in result.stdout
    assert "lambda.duration.x86_64: 0.00002 -> 0.0000166667 to 6,000,000,000" in result.stdout
    assert "kept sns.publishes" in result.stderr
    assert load_price_sheet(out).meters["lambda.duration.x86_64"].tiers[0].price == Decimal("0.0000166667")


def test_cli_refresh_strict_fails_on_unmatched_meters(pricing, runner, tmp_path, monkeypatch):
    source = tmp_path / "old.yaml"
    source.write_text(json.dumps(SHEET))
    monkeypatch.setattr(cli, "_client", lambda service, endpoint_url, region, profile=None: pricing)

    result = runner.invoke(cli.app, ["prices", "refresh", "--prices", str(source), "--dry-run", "--strict"])

    assert result.exit_code == 2
    assert "dry run: nothing written" in result.stdout
    assert json.loads(source.read_text()) == SHEET


def test_prices_show_lists_every_meter(runner, sheet):
    result = runner.invoke(cli.app, ["prices", "show"])

    assert result.exit_code == 0
    for meter_id in ("lambda.requests", "dynamodb.write_request_units", "data_transfer.out_gb"):
        assert meter_id in result.stdout
    assert "$0.625" in result.stdout  # WRU per million
