"""The shipped price sheet: complete, dated, sourced, with the prices AWS publishes; and a
malformed sheet is refused with the meter and field named."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import yaml

from kit.bill import SERVICES
from kit.price_sheet import DEFAULT_SHEET, load_price_sheet, parse_price_sheet, sheet_to_mapping
from ops.cost.errors import PriceSheetError


def first_price(sheet, meter_id):
    return sheet.meter(meter_id).tiers[0].price


def test_every_meter_has_a_date_and_an_aws_source(sheet):
    assert sheet.region == "us-east-1"
    assert sheet.currency == "USD"
    for meter in sheet.meters.values():
        assert meter.source.startswith("https://aws.amazon.com/"), meter.id
        assert dt.date(2018, 1, 1) <= meter.effective_date <= sheet.effective_date, meter.id
        assert meter.date_basis in {"announced", "checked"}, meter.id
        assert meter.price_list.get("service_code"), meter.id


def test_every_service_of_the_usage_file_is_priced(sheet):
    assert {meter.service for meter in sheet.meters.values()} == set(SERVICES)


@pytest.mark.parametrize(
    ("meter_id", "price"),
    [
        ("lambda.requests", "0.0000002"),
        ("lambda.duration.x86_64", "0.0000166667"),
        ("lambda.duration.arm64", "0.0000133334"),
        ("lambda.provisioned_concurrency.x86_64", "0.0000041667"),
        ("lambda.provisioned_duration.x86_64", "0.0000097222"),
        ("lambda.ephemeral_storage.x86_64", "0.0000000309"),
        ("apigateway.rest_requests", "0.0000035"),
        ("apigateway.http_requests", "0.000001"),
        ("apigateway.websocket_messages", "0.000001"),
        ("apigateway.websocket_connection_minutes", "0.00000025"),
        ("dynamodb.write_request_units", "0.000000625"),
        ("dynamodb.read_request_units", "0.000000125"),
        ("dynamodb.storage_gb", "0.25"),
        ("dynamodb.pitr_storage_gb", "0.20"),
    ],
)
def test_headline_prices(sheet, meter_id, price):
    assert first_price(sheet, meter_id) == Decimal(price)


def test_lambda_duration_tiers(sheet):
    x86 = sheet.meter("lambda.duration.x86_64").tiers
    arm = sheet.meter("lambda.duration.arm64").tiers

    assert [(t.upto, t.price) for t in x86] == [
        (Decimal(6_000_000_000), Decimal("0.0000166667")),
        (Decimal(15_000_000_000), Decimal("0.0000150000")),
        (None, Decimal("0.0000133334")),
    ]
    assert [t.price for t in arm] == [Decimal("0.0000133334"), Decimal("0.0000120001"), Decimal("0.0000106667")]


def test_dynamodb_on_demand_prices_date_from_november_2024(sheet):
    assert sheet.meter("dynamodb.write_request_units").effective_date == dt.date(2024, 11, 1)


def test_lambda_free_tier_is_one_pool_for_both_architectures(sheet):
    assert sheet.meter("lambda.duration.x86_64").free.pool == sheet.meter("lambda.duration.arm64").free.pool
    assert sheet.pools["lambda_gb_seconds"].always == 400_000
    assert sheet.meter("lambda.requests").free.always == 1_000_000


def test_the_sheet_survives_a_round_trip(sheet, tmp_path):
    path = tmp_path / "prices.yaml"
    path.write_text(yaml.safe_dump(sheet_to_mapping(sheet), sort_keys=False))

    again = load_price_sheet(path)

    assert again.meters == sheet.meters
    assert again.pools == sheet.pools


def broken(mutate):
    raw = yaml.safe_load(DEFAULT_SHEET.read_text())
    mutate(raw)
    return raw


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda raw: raw.pop("effective_date"), "effective_date: missing"),
        (lambda raw: raw["meters"]["lambda.requests"].pop("source"), "meters.lambda.requests.source: missing"),
        (
            lambda raw: raw["meters"]["s3.storage_gb"]["tiers"][1].update(upto=100),
            "meters.s3.storage_gb.tiers[1].upto: must be above the previous bound",
        ),
        (
            lambda raw: raw["meters"]["lambda.requests"]["tiers"][0].update(upto=5),
            "meters.lambda.requests.tiers[0]: the last tier must be open",
        ),
        (
            lambda raw: raw["meters"]["lambda.requests"]["tiers"][0].update(price="cheap"),
            "meters.lambda.requests.tiers[0].price: must be a number",
        ),
        (
            lambda raw: raw["meters"]["lambda.duration.arm64"]["free"].update(pool="nope"),
            "meters.lambda.duration.arm64.free.pool: unknown pool 'nope'",
        ),
        (
            lambda raw: raw["meters"]["sns.publishes"].update(effective_date="soon"),
            "meters.sns.publishes.effective_date: must be a date",
        ),
    ],
)
def test_a_malformed_sheet_is_refused_with_the_place_named(mutate, message):
    with pytest.raises(PriceSheetError) as caught:
        parse_price_sheet(broken(mutate))

    assert message in str(caught.value)


def test_every_problem_of_a_sheet_is_named_at_once():
    def two_mistakes(raw):
        raw["meters"]["lambda.requests"].pop("source")
        raw["meters"]["sns.publishes"].update(effective_date="soon", display_per=0)

    with pytest.raises(PriceSheetError) as caught:
        parse_price_sheet(broken(two_mistakes))

    message = str(caught.value)
    assert "meters.lambda.requests.source: missing" in message
    assert "meters.sns.publishes.effective_date: must be a date" in message
    assert "meters.sns.publishes.display_per: must be at least 1" in message


def test_missing_meter_is_named(sheet):
    with pytest.raises(PriceSheetError, match=r"no meter 'lambda\.gpu'"):
        sheet.meter("lambda.gpu")
