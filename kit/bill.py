"""A priced month: lines per service, service totals and the grand total."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from kit.price_sheet import FreeTierMode, PriceSheet

# Service keys as in the usage file, in the order reports show them.
SERVICES: tuple[str, ...] = (
    "lambda",
    "apigateway",
    "dynamodb",
    "s3",
    "cognito",
    "cloudwatch",
    "xray",
    "scheduler",
    "sns",
    "waf",
    "kms",
    "cloudfront",
    "data_transfer_out_gb",
)
CENT = Decimal("0.01")


def to_cents(amount: Decimal) -> Decimal:
    """``amount`` rounded half-up to the cent, as AWS's worked examples round each charge."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Line:
    """One charge: a meter's quantity for the month, the part the free tier covered, its cost."""

    meter: str
    item: str
    quantity: Decimal
    unit: str
    free_quantity: Decimal
    cost: Decimal

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (numbers as floats, cost in dollars and cents)."""
        return {
            "item": self.item,
            "quantity": float(self.quantity),
            "unit": self.unit,
            "free_quantity": float(self.free_quantity),
            "cost": float(self.cost),
            "meter": self.meter,
        }


@dataclass(frozen=True)
class ServiceCost:
    """The lines of one service."""

    service: str
    lines: tuple[Line, ...]

    @property
    def cost(self) -> Decimal:
        """Sum of the service's (cent-rounded) lines."""
        return sum((line.cost for line in self.lines), Decimal(0))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"cost": float(self.cost), "lines": [line.to_dict() for line in self.lines]}


@dataclass(frozen=True)
class Bill:
    """One month priced with one sheet and one free-tier mode."""

    services: dict[str, ServiceCost]
    free_tier: FreeTierMode
    sheet: PriceSheet

    @property
    def total(self) -> Decimal:
        """Sum of every service."""
        return sum((service.cost for service in self.services.values()), Decimal(0))

    def lines(self) -> list[tuple[str, Line]]:
        """Every line with its service, in report order."""
        return [(name, line) for name, service in self.services.items() for line in service.lines]

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of ``ops cost estimate`` (see docs/cost.md)."""
        return {
            "currency": self.sheet.currency,
            "total": float(self.total),
            "services": {name: service.to_dict() for name, service in self.services.items()},
            "free_tier": self.free_tier,
            "price_sheet": price_sheet_info(self.sheet),
        }


def price_sheet_info(sheet: PriceSheet) -> dict[str, str]:
    """What a report says about the sheet it used."""
    return {
        "region": sheet.region,
        "effective_date": sheet.effective_date.isoformat(),
        "version": sheet.version,
    }
