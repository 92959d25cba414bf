"""Rebuild the price sheet from the AWS Price List API (``pricing`` ``get_products``).

Each meter carries the query that finds its product (``price_list`` in the sheet). A refresh
replaces a meter's tiers and effective date with what the API returns and keeps everything
else (free tier, units, sources). A meter whose query matches nothing, or several products
with different prices, keeps its old figures and is reported, never guessed.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from kit.price_sheet import Meter, PriceSheet, Tier, sheet_to_mapping

# The Price List API answers from us-east-1 (and two other regions), whatever region is priced.
PRICING_API_REGION = "us-east-1"
HEADER = """\
# The price sheet of `ops cost`: AWS list prices, {region}, in {currency}.
# Rebuilt by `ops cost prices refresh` on {today} from the AWS Price List API; meters the API
# did not match kept their previous figures. Field meanings: docs/cost.md ("The price sheet").
"""


@dataclass(frozen=True)
class RefreshResult:
    """The refreshed sheet, the meters whose prices changed, and those left as they were."""

    sheet: PriceSheet
    changed: tuple[str, ...]
    unmatched: tuple[tuple[str, str], ...]


def refresh_sheet(client: Any, sheet: PriceSheet, today: dt.date | None = None) -> RefreshResult:
    """Query every meter's product and rebuild the sheet from the answers.

    Parameters
    ----------
    client
        A boto3 ``pricing`` client.
    sheet
        The current sheet: meters, their queries and the region to price.
    today
        The refresh date (the new sheet's effective date and version).
    """
    day = today or dt.datetime.now(dt.UTC).date()
    meters: dict[str, Meter] = {}
    changed: list[str] = []
    unmatched: list[tuple[str, str]] = []
    for meter_id, meter in sheet.meters.items():
        meters[meter_id] = meter
        query = meter.price_list
        if not query or "service_code" not in query:
            unmatched.append((meter_id, "no price_list query in the sheet"))
            continue
        products = list(_products(client, str(query["service_code"]), dict(query.get("filters") or {}), sheet.region))
        dimension_sets = {_dimensions_key(product) for product in products}
        dimension_sets.discard(())
        if not dimension_sets:
            unmatched.append((meter_id, "no product with an on-demand USD price matches the query"))
            continue
        if len(dimension_sets) > 1:
            unmatched.append((meter_id, f"{len(dimension_sets)} products with different prices match the query"))
            continue
        product = next(p for p in products if _dimensions_key(p))
        try:
            tiers, effective = _tiers(product)
        except ValueError as error:
            unmatched.append((meter_id, str(error)))
            continue
        scale = Decimal(str(query.get("scale", 1)))
        tiers = tuple(replace(tier, price=tier.price * scale) for tier in tiers)
        refreshed = replace(meter, tiers=tiers, effective_date=effective or day, date_basis="price-list")
        if refreshed.tiers != meter.tiers:
            changed.append(meter_id)
        meters[meter_id] = refreshed
    new_sheet = replace(sheet, meters=meters, version=_next_version(sheet.version, day), effective_date=day)
    return RefreshResult(sheet=new_sheet, changed=tuple(changed), unmatched=tuple(unmatched))


def write_sheet(sheet: PriceSheet, path: Path) -> None:
    """Write ``sheet`` as YAML in the layout :func:`kit.price_sheet.load_price_sheet` reads."""
    header = HEADER.format(region=sheet.region, currency=sheet.currency, today=sheet.effective_date.isoformat())
    body = yaml.safe_dump(sheet_to_mapping(sheet), sort_keys=False, width=110, allow_unicode=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(header + body)


def _products(client: Any, service_code: str, filters: dict[str, Any], region: str) -> Iterator[dict[str, Any]]:
    terms = [{"Type": "TERM_MATCH", "Field": "regionCode", "Value": region}]
    terms += [{"Type": "TERM_MATCH", "Field": str(name), "Value": str(value)} for name, value in filters.items()]
    paginator = client.get_paginator("get_products")
    for page in paginator.paginate(ServiceCode=service_code, Filters=terms, FormatVersion="aws_v1"):
        for item in page.get("PriceList", []):
            yield json.loads(item) if isinstance(item, str) else item


def _on_demand_dimensions(product: dict[str, Any]) -> list[tuple[dict[str, Any], str]]:
    dimensions = []
    for term in (product.get("terms", {}).get("OnDemand") or {}).values():
        for dimension in (term.get("priceDimensions") or {}).values():
            if "USD" in (dimension.get("pricePerUnit") or {}):
                dimensions.append((dimension, str(term.get("effectiveDate", ""))))
    return dimensions


def _dimensions_key(product: dict[str, Any]) -> tuple[tuple[str, str, str], ...]:
    return tuple(
        sorted(
            (str(d.get("beginRange", "0")), str(d.get("endRange", "Inf")), str(d["pricePerUnit"]["USD"]))
            for d, _ in _on_demand_dimensions(product)
        )
    )


def _tiers(product: dict[str, Any]) -> tuple[tuple[Tier, ...], dt.date | None]:
    bands = []
    effective: dt.date | None = None
    for dimension, date_text in _on_demand_dimensions(product):
        try:
            begin = Decimal(str(dimension.get("beginRange", "0")))
            end_text = str(dimension.get("endRange", "Inf"))
            end = None if end_text.lower() == "inf" else Decimal(end_text)
            price = Decimal(str(dimension["pricePerUnit"]["USD"]))
        except (InvalidOperation, KeyError):
            raise ValueError(f"unreadable price dimension {dimension.get('rateCode', '')}") from None
        bands.append((begin, end, price))
        if date_text:
            effective = dt.date.fromisoformat(date_text[:10])
    bands.sort(key=lambda band: band[0])
    # A leading zero-priced band is AWS's free allowance, which the sheet's free tier carries.
    while len(bands) > 1 and bands[0][2] == 0:
        bands.pop(0)
    if bands[-1][1] is not None:
        raise ValueError("the product's last price band is not open-ended")
    tiers = tuple(Tier(price=price, upto=end) for _, end, price in bands)
    return tiers, effective


def _next_version(previous: str, day: dt.date) -> str:
    stem = day.isoformat()
    if previous.startswith(stem + "."):
        try:
            return f"{stem}.{int(previous.rsplit('.', 1)[1]) + 1}"
        except ValueError:
            pass
    return f"{stem}.1"
