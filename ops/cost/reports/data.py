"""Machine-readable reports: JSON and CSV."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from kit.bill import Bill, price_sheet_info
from ops.cost.projection import Projection
from ops.cost.reports.numbers import plain


def bill_json(bill: Bill) -> str:
    """The estimate as JSON (see docs/cost.md for the fields)."""
    return json.dumps(bill.to_dict(), indent=2) + "\n"


def bill_csv(bill: Bill) -> str:
    """One row per priced line: service, item, quantity, unit, free quantity, cost."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["service", "item", "quantity", "unit", "free_quantity", "cost"])
    for service, line in bill.lines():
        writer.writerow(
            [service, line.item, plain(line.quantity), line.unit, plain(line.free_quantity), f"{line.cost:.2f}"]
        )
    return buffer.getvalue()


def projection_document(projection: Projection) -> dict[str, Any]:
    """The projection as plain data (what the JSON report prints)."""
    options = projection.options
    return {
        "currency": projection.sheet.currency,
        "free_tier": options.free_tier,
        "price_sheet": price_sheet_info(projection.sheet),
        "per_user_monthly": projection.rates.to_dict(),
        "fixed": [fixed.label for fixed in projection.fixed],
        "options": {
            "months_of_data": options.months_of_data,
            "cognito_plan": options.cognito_plan,
            "log_retention_days": options.log_retention_days,
            "point_in_time_recovery": options.point_in_time_recovery,
        },
        "tiers": [tier.to_dict() for tier in projection.tiers],
        "over_budget": [tier.tier.name for tier in projection.over_budget],
        "notes": list(projection.notes),
    }


def projection_json(projection: Projection) -> str:
    """The projection as JSON."""
    return json.dumps(projection_document(projection), indent=2) + "\n"


def projection_csv(projection: Projection) -> str:
    """One row per tier and priced line."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["tier", "users", "service", "item", "quantity", "unit", "free_quantity", "cost"])
    for tier in projection.tiers:
        for service, line in tier.bill.lines():
            writer.writerow(
                [
                    tier.tier.name,
                    tier.tier.users,
                    service,
                    line.item,
                    plain(line.quantity),
                    line.unit,
                    plain(line.free_quantity),
                    f"{line.cost:.2f}",
                ]
            )
    return buffer.getvalue()
