"""The few unit prices the Cost dashboard's metric math multiplies usage by (USD, us-east-1,
first tier, no free tier).

They are the first-tier prices of ``ops cost``'s price sheet (``ops/cost/prices.yaml``); the
dashboards package may not import ``ops`` (dependencies point from ``ops`` to here), so the
figures are kept here once and a unit test fails when they drift from the sheet.
``ops cost`` remains the complete bill (tiers, free tier, every meter).
"""

from __future__ import annotations

from dataclasses import dataclass

# The price-sheet version these figures were taken from.
SHEET_VERSION = "2026-11-25.1"


@dataclass(frozen=True)
class UnitPrice:
    """A price per base unit and the ``ops cost`` meter it comes from."""

    meter: str
    usd: float
    unit: str


LAMBDA_REQUEST = UnitPrice("lambda.requests", 0.0000002, "request")
LAMBDA_GB_SECOND = {
    "arm64": UnitPrice("lambda.duration.arm64", 0.0000133334, "GB-second"),
    "x86_64": UnitPrice("lambda.duration.x86_64", 0.0000166667, "GB-second"),
}
REST_REQUEST = UnitPrice("apigateway.rest_requests", 0.0000035, "request")
WEBSOCKET_MESSAGE = UnitPrice("apigateway.websocket_messages", 0.000001, "message")
DYNAMODB_WRITE_UNIT = UnitPrice("dynamodb.write_request_units", 0.000000625, "WRU")
DYNAMODB_READ_UNIT = UnitPrice("dynamodb.read_request_units", 0.000000125, "RRU")
S3_STORAGE_GB_MONTH = UnitPrice("s3.storage_gb", 0.023, "GB-month")
SNS_PUBLISH = UnitPrice("sns.publishes", 0.0000005, "request")

ALL = (
    LAMBDA_REQUEST,
    *LAMBDA_GB_SECOND.values(),
    REST_REQUEST,
    WEBSOCKET_MESSAGE,
    DYNAMODB_WRITE_UNIT,
    DYNAMODB_READ_UNIT,
    S3_STORAGE_GB_MONTH,
    SNS_PUBLISH,
)
