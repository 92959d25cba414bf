"""The price sheet: typed, validated view of ``prices.yaml`` (or another sheet file)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal, cast

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, Strict, field_validator

from kit.errors import PriceSheetError
from kit.yaml_files import read_yaml, report, validate

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


def _no_booleans(value: Any) -> Any:
    # YAML reads `yes` as true; a boolean is never a price, a bound or a count.
    if isinstance(value, bool):
        raise ValueError(f"must be a number (got {value!r})")
    return value


# Prices are exact decimals: written as strings or numbers, never floats in arithmetic.
Amount = Annotated[Decimal, BeforeValidator(_no_booleans), Field(ge=0, allow_inf_nan=False)]
Text = Annotated[str, Strict()]


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TierEntry(_Entry):
    """A band as written: ``{upto: 6000000000, price: "0.0000166667"}``."""

    price: Amount
    upto: Amount | None = None


class FreeEntry(_Entry):
    """A free allowance as written (a meter's ``free`` or a shared pool)."""

    always: Amount = Decimal(0)
    legacy: Amount = Decimal(0)
    pool: Text | None = None
    description: str = ""
    source: str = ""

    def allowance(self) -> FreeAllowance:
        return FreeAllowance(always=self.always, legacy=self.legacy, pool=self.pool)


class MeterEntry(_Entry):
    """A meter as written in the sheet."""

    service: Text
    item: Text
    unit: Text
    tiers: Annotated[list[TierEntry], Field(min_length=1)]
    free: FreeEntry = FreeEntry()
    effective_date: dt.date
    date_basis: Text
    source: Text
    display_per: Annotated[int, Strict(), Field(ge=1)] = 1
    price_list: dict[str, Any] = {}
    note: str = ""

    @field_validator("tiers")
    @classmethod
    def _bands_in_order(cls, tiers: list[TierEntry]) -> list[TierEntry]:
        previous = Decimal(0)
        for index, band in enumerate(tiers):
            last = index == len(tiers) - 1
            if last and band.upto is not None:
                raise ValueError(f"[{index}]: the last tier must be open (no 'upto')")
            if not last and band.upto is None:
                raise ValueError(f"[{index}]: every tier but the last needs 'upto'")
            if band.upto is not None:
                if band.upto <= previous:
                    raise ValueError(f"[{index}].upto: must be above the previous bound")
                previous = band.upto
        return tiers


class SheetFile(_Entry):
    """The whole sheet file."""

    schema_version: Annotated[int, Strict()] = Field(1, alias="schema")
    version: Annotated[str, BeforeValidator(str)]
    region: Text
    currency: Text
    effective_date: dt.date
    free_pools: Annotated[dict[str, FreeEntry], BeforeValidator(lambda value: value or {})] = {}
    meters: Annotated[dict[str, MeterEntry], Field(min_length=1)]


def load_price_sheet(path: Path | None = None) -> PriceSheet:
    """Read and validate a price sheet (the packaged ``prices.yaml`` by default).

    Raises
    ------
    PriceSheetError
        When the file is missing, not YAML, or has entries that lack a field or hold a bad
        value; the message names every one, by meter and field.
    """
    sheet_path = path or DEFAULT_SHEET
    return parse_price_sheet(read_yaml(sheet_path, PriceSheetError, "price sheet"), sheet_path)


def parse_price_sheet(raw: Any, path: Path | None = None) -> PriceSheet:
    """Validate the mapping read from a sheet file into a :class:`PriceSheet`."""
    where = f"price sheet {path}" if path else "price sheet"
    if not isinstance(raw, dict):
        raise PriceSheetError(f"{where}: the top level must be a mapping")
    sheet = validate(SheetFile, raw, where, PriceSheetError)
    pools = ", ".join(sheet.free_pools) or "none"
    unknown_pools = [
        f"meters.{meter_id}.free.pool: unknown pool {entry.free.pool!r} (free_pools has {pools})"
        for meter_id, entry in sheet.meters.items()
        if entry.free.pool is not None and entry.free.pool not in sheet.free_pools
    ]
    if unknown_pools:
        raise PriceSheetError(report(where, unknown_pools))
    return PriceSheet(
        version=sheet.version,
        region=sheet.region,
        currency=sheet.currency,
        effective_date=sheet.effective_date,
        meters={meter_id: _meter(meter_id, entry) for meter_id, entry in sheet.meters.items()},
        pools={name: pool.allowance() for name, pool in sheet.free_pools.items()},
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


def _meter(meter_id: str, entry: MeterEntry) -> Meter:
    return Meter(
        id=meter_id,
        service=entry.service,
        item=entry.item,
        unit=entry.unit,
        tiers=tuple(Tier(price=band.price, upto=band.upto) for band in entry.tiers),
        free=entry.free.allowance(),
        effective_date=entry.effective_date,
        date_basis=entry.date_basis,
        source=entry.source,
        display_per=entry.display_per,
        price_list=dict(entry.price_list),
        note=entry.note,
    )


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
