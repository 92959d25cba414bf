"""The price sheet: typed, validated view of ``prices.yaml`` (or another sheet file)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal, cast

import yaml

from kit.errors import PriceSheetError

FreeTierMode = Literal["none", "always", "legacy"]
FREE_TIER_MODES: tuple[FreeTierMode, ...] = ("none", "always", "legacy")
DEFAULT_SHEET = Path(__file__).with_name("prices.yaml")


@dataclass(frozen=True)
class Tier:
    """One price band: ``price`` per unit for the units up to ``upto`` (None: no bound)."""

    price: Decimal
    upto: Decimal | None = None


@dataclass(frozen=True)
class FreeAllowance:
    """A meter's free units a month: its own (``always``, ``legacy``) or a shared ``pool``."""

    always: Decimal = Decimal(0)
    legacy: Decimal = Decimal(0)
    pool: str | None = None

    def amount(self, mode: FreeTierMode) -> Decimal:
        """Free units in ``mode`` (``legacy`` adds the 12-month offers to the always-free ones)."""
        if mode == "none":
            return Decimal(0)
        if mode == "always":
            return self.always
        return self.always + self.legacy


@dataclass(frozen=True)
class Meter:
    """One priced quantity (``lambda.requests``...): its tiers, free units and provenance."""

    id: str
    service: str
    item: str
    unit: str
    tiers: tuple[Tier, ...]
    free: FreeAllowance
    effective_date: dt.date
    date_basis: str
    source: str
    display_per: int = 1
    price_list: Mapping[str, Any] = field(default_factory=dict)
    note: str = ""


@dataclass(frozen=True)
class PriceSheet:
    """Every meter of one region, with the sheet's version and effective date."""

    version: str
    region: str
    currency: str
    effective_date: dt.date
    meters: Mapping[str, Meter]
    pools: Mapping[str, FreeAllowance]
    path: Path | None = None

    def meter(self, meter_id: str) -> Meter:
        """The meter ``meter_id``; PriceSheetError naming the sheet when it lacks one."""
        try:
            return self.meters[meter_id]
        except KeyError:
            raise PriceSheetError(f"price sheet {self.path or ''}: no meter {meter_id!r}") from None


def load_price_sheet(path: Path | None = None) -> PriceSheet:
    """Read and validate a price sheet (the packaged ``prices.yaml`` by default).

    Raises
    ------
    PriceSheetError
        When the file is missing, not YAML, or an entry lacks a field or has a bad value;
        the message names the meter and the field.
    """
    sheet_path = path or DEFAULT_SHEET
    try:
        raw = yaml.safe_load(sheet_path.read_text())
    except OSError as error:
        raise PriceSheetError(f"price sheet {sheet_path}: cannot read it ({error.strerror})") from None
    except yaml.YAMLError as error:
        raise PriceSheetError(f"price sheet {sheet_path}: not valid YAML ({error})") from None
    return parse_price_sheet(raw, sheet_path)


def parse_price_sheet(raw: Any, path: Path | None = None) -> PriceSheet:
    """Validate the mapping read from a sheet file into a :class:`PriceSheet`."""
    where = f"price sheet {path}" if path else "price sheet"
    if not isinstance(raw, dict):
        raise PriceSheetError(f"{where}: the top level must be a mapping")
    for key in ("version", "region", "currency", "effective_date", "meters"):
        if key not in raw:
            raise PriceSheetError(f"{where}: missing {key!r}")
    pools = {
        name: _allowance(entry, f"{where}: free_pools.{name}") for name, entry in (raw.get("free_pools") or {}).items()
    }
    meters_raw = raw["meters"]
    if not isinstance(meters_raw, dict) or not meters_raw:
        raise PriceSheetError(f"{where}: 'meters' must be a non-empty mapping")
    meters = {meter_id: _meter(meter_id, entry, where, pools) for meter_id, entry in meters_raw.items()}
    return PriceSheet(
        version=str(raw["version"]),
        region=str(raw["region"]),
        currency=str(raw["currency"]),
        effective_date=_date(raw["effective_date"], f"{where}: effective_date"),
        meters=meters,
        pools=pools,
        path=path,
    )


def sheet_to_mapping(sheet: PriceSheet) -> dict[str, Any]:
    """The sheet as plain data in the file's layout (what ``prices refresh`` writes)."""
    return {
        "schema": 1,
        "version": sheet.version,
        "region": sheet.region,
        "currency": sheet.currency,
        "effective_date": sheet.effective_date.isoformat(),
        "free_pools": {name: _allowance_mapping(pool) for name, pool in sheet.pools.items()},
        "meters": {meter_id: _meter_mapping(meter) for meter_id, meter in sheet.meters.items()},
    }


def _meter(meter_id: str, entry: Any, where: str, pools: Mapping[str, FreeAllowance]) -> Meter:
    here = f"{where}: meters.{meter_id}"
    if not isinstance(entry, dict):
        raise PriceSheetError(f"{here}: must be a mapping")
    for key in ("service", "item", "unit", "tiers", "effective_date", "date_basis", "source"):
        if key not in entry:
            raise PriceSheetError(f"{here}: missing {key!r}")
    free = _allowance(entry.get("free") or {}, f"{here}.free")
    if free.pool is not None and free.pool not in pools:
        raise PriceSheetError(f"{here}.free: unknown pool {free.pool!r}")
    display_per = entry.get("display_per", 1)
    if not isinstance(display_per, int) or isinstance(display_per, bool) or display_per < 1:
        raise PriceSheetError(f"{here}.display_per: must be a positive integer")
    return Meter(
        id=meter_id,
        service=str(entry["service"]),
        item=str(entry["item"]),
        unit=str(entry["unit"]),
        tiers=_tiers(entry["tiers"], f"{here}.tiers"),
        free=free,
        effective_date=_date(entry["effective_date"], f"{here}.effective_date"),
        date_basis=str(entry["date_basis"]),
        source=str(entry["source"]),
        display_per=display_per,
        price_list=dict(entry.get("price_list") or {}),
        note=str(entry.get("note", "")),
    )


def _tiers(raw: Any, here: str) -> tuple[Tier, ...]:
    if not isinstance(raw, list) or not raw:
        raise PriceSheetError(f"{here}: must be a non-empty list")
    tiers: list[Tier] = []
    previous = Decimal(0)
    for index, band in enumerate(raw):
        if not isinstance(band, dict) or "price" not in band:
            raise PriceSheetError(f"{here}[{index}]: needs a price")
        unknown = set(band) - {"price", "upto"}
        if unknown:
            raise PriceSheetError(f"{here}[{index}]: unknown key {sorted(unknown)[0]!r}")
        price = _decimal(band["price"], f"{here}[{index}].price")
        upto = band.get("upto")
        last = index == len(raw) - 1
        if last and upto is not None:
            raise PriceSheetError(f"{here}[{index}]: the last tier must be open (no 'upto')")
        if not last and upto is None:
            raise PriceSheetError(f"{here}[{index}]: every tier but the last needs 'upto'")
        bound = None if upto is None else _decimal(upto, f"{here}[{index}].upto")
        if bound is not None and bound <= previous:
            raise PriceSheetError(f"{here}[{index}].upto: must be above the previous bound")
        previous = bound if bound is not None else previous
        tiers.append(Tier(price=price, upto=bound))
    return tuple(tiers)


def _allowance(raw: Any, here: str) -> FreeAllowance:
    if not isinstance(raw, dict):
        raise PriceSheetError(f"{here}: must be a mapping")
    unknown = set(raw) - {"always", "legacy", "pool", "description", "source"}
    if unknown:
        raise PriceSheetError(f"{here}: unknown key {sorted(unknown)[0]!r}")
    pool = raw.get("pool")
    return FreeAllowance(
        always=_decimal(raw.get("always", 0), f"{here}.always"),
        legacy=_decimal(raw.get("legacy", 0), f"{here}.legacy"),
        pool=None if pool is None else str(pool),
    )


def _decimal(value: Any, here: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise PriceSheetError(f"{here}: must be a number")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise PriceSheetError(f"{here}: must be a number (got {value!r})") from None
    if not number.is_finite() or number < 0:
        raise PriceSheetError(f"{here}: must be a number >= 0 (got {value!r})")
    return number


def _date(value: Any, here: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise PriceSheetError(f"{here}: must be a date YYYY-MM-DD (got {value!r})") from None


def _number(value: Decimal) -> int | str:
    # Whole numbers stay YAML integers; prices stay strings so no float rounding creeps in.
    exponent = value.as_tuple().exponent
    return int(value) if isinstance(exponent, int) and exponent >= 0 else str(value)


def _allowance_mapping(free: FreeAllowance) -> dict[str, Any]:
    mapping: dict[str, Any] = {}
    if free.pool:
        mapping["pool"] = free.pool
    if free.always:
        mapping["always"] = _number(free.always)
    if free.legacy:
        mapping["legacy"] = _number(free.legacy)
    return mapping


def _meter_mapping(meter: Meter) -> dict[str, Any]:
    mapping: dict[str, Any] = {
        "service": meter.service,
        "item": meter.item,
        "unit": meter.unit,
    }
    if meter.display_per != 1:
        mapping["display_per"] = meter.display_per
    mapping["tiers"] = [
        {"price": str(tier.price)} if tier.upto is None else {"upto": _number(tier.upto), "price": str(tier.price)}
        for tier in meter.tiers
    ]
    free = _allowance_mapping(meter.free)
    if free:
        mapping["free"] = free
    if meter.note:
        mapping["note"] = meter.note
    mapping["effective_date"] = meter.effective_date.isoformat()
    mapping["date_basis"] = meter.date_basis
    mapping["source"] = meter.source
    if meter.price_list:
        mapping["price_list"] = cast(dict[str, Any], dict(meter.price_list))
    return mapping
