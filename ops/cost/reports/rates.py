"""The per-user rates behind a projection, as report rows."""

from __future__ import annotations

from ops.cost.projection import Projection
from ops.cost.reports.numbers import quantity


def rate_rows(projection: Projection) -> list[tuple[str, str]]:
    """(label, value) rows of the per-user monthly rates a projection was built from."""
    rates = projection.rates
    rows = [
        (f"{name} requests (mean {rate.duration_ms:,.0f} ms)", quantity(rate.requests))
        for name, rate in rates.functions.items()
    ]
    rows += [
        ("REST API requests", quantity(rates.rest_requests)),
        ("WebSocket messages", quantity(rates.websocket_messages)),
        ("WebSocket connection minutes", quantity(rates.websocket_connection_minutes)),
        ("DynamoDB write request units", quantity(rates.dynamodb_write_units)),
        ("DynamoDB read request units", quantity(rates.dynamodb_read_units)),
        ("DynamoDB storage added (GB)", quantity(rates.dynamodb_growth_gb)),
        ("S3 storage added (GB)", quantity(rates.s3_growth_gb)),
        ("S3 PUT requests", quantity(rates.s3_put_requests)),
        ("S3 GET requests", quantity(rates.s3_get_requests)),
        ("data transfer out (GB)", quantity(rates.data_transfer_out_gb)),
        ("web requests (CloudFront)", quantity(rates.web_requests)),
        ("web transfer out (GB, CloudFront)", quantity(rates.web_transfer_out_gb)),
        ("logs ingested (GB)", quantity(rates.logs_ingested_gb)),
    ]
    return rows
