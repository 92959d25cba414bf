"""The default report: tables for a terminal (rich)."""

from __future__ import annotations

import io
from collections.abc import Iterable

from rich.console import Console, RenderableType
from rich.table import Table

from kit.bill import SERVICES, Bill
from ops.cost.projection import Projection
from ops.cost.reports.numbers import money, percent, published, quantity
from ops.cost.reports.rates import rate_rows

WIDTH = 120


def _render(renderables: Iterable[RenderableType]) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=WIDTH, color_system=None, force_terminal=False, soft_wrap=False)
    for renderable in renderables:
        console.print(renderable)
    return buffer.getvalue()


def _sheet_line(bill_or_projection: Bill | Projection, free_tier: str) -> str:
    sheet = bill_or_projection.sheet
    return (
        f"Prices: {sheet.region} list prices effective {sheet.effective_date.isoformat()} "
        f"(sheet {sheet.version}); free tier: {free_tier}"
    )


def bill_table(bill: Bill) -> str:
    """One row per priced line, a subtotal per service and the month's total."""
    table = Table(title="Estimated monthly AWS cost", title_justify="left")
    for header, justify in (("service", "left"), ("item", "left"), ("quantity", "right"), ("unit", "left")):
        table.add_column(header, justify=justify)  # type: ignore[arg-type]
    table.add_column("free tier", justify="right")
    table.add_column("cost", justify="right")
    for name, service in bill.services.items():
        for index, line in enumerate(service.lines):
            table.add_row(
                name if index == 0 else "",
                line.item,
                quantity(line.quantity),
                line.unit,
                quantity(line.free_quantity) if line.free_quantity else "",
                money(line.cost),
            )
        if len(service.lines) > 1:
            table.add_row("", f"{name} total", "", "", "", money(service.cost))
    table.add_section()
    table.add_row("total", "", "", "", "", money(bill.total))
    return _render([table, _sheet_line(bill, bill.free_tier)])


def projection_table(projection: Projection) -> str:
    """Cost per service and tier, the comparison with the published ranges, budgets, the top
    cost drivers, the per-user rates behind them and the assumptions made."""
    tiers = projection.tiers
    costs = Table(title="Projected monthly AWS cost per user tier", title_justify="left")
    costs.add_column("service")
    for tier in tiers:
        costs.add_column(f"{tier.tier.name}\n{tier.tier.users:,} users", justify="right")
    for service in SERVICES:
        costs.add_row(service, *(money(tier.bill.services[service].cost) for tier in tiers))
    costs.add_section()
    costs.add_row("total", *(money(tier.total) for tier in tiers))
    costs.add_row("per user", *(money(tier.total / tier.tier.users) for tier in tiers))
    costs.add_row("published range", *(published(tier.published_range) for tier in tiers))
    costs.add_row("verdict", *((tier.verdict or "") for tier in tiers))
    if any(tier.budget is not None for tier in tiers):
        costs.add_row(
            "budget",
            *(
                "" if tier.budget is None else f"{money(tier.budget)} {'OVER' if tier.over_budget else 'ok'}"
                for tier in tiers
            ),
        )

    drivers = Table(title="Top cost drivers", title_justify="left")
    for header in ("tier", "service", "item", "cost", "share"):
        drivers.add_column(header, justify="right" if header in ("cost", "share") else "left")
    for tier in tiers:
        for index, (service, line) in enumerate(tier.top_drivers()):
            drivers.add_row(
                tier.tier.name if index == 0 else "",
                service,
                line.item,
                money(line.cost),
                percent(float(line.cost / tier.total)) if tier.total else "",
            )

    rates = Table(title="Per active user per month", title_justify="left")
    rates.add_column("quantity")
    rates.add_column("per user", justify="right")
    for name, value in rate_rows(projection):
        rates.add_row(name, value)

    parts: list[RenderableType] = [costs, drivers, rates, _sheet_line(projection, projection.options.free_tier)]
    parts.append(
        f"Usage of {projection.rates.active_users:,.0f} active users over {projection.rates.window_hours:,.1f} hours; "
        f"storage after {projection.options.months_of_data} months; fixed: "
        + (", ".join(f.label for f in projection.fixed) or "none")
    )
    parts.extend(f"note: {note}" for note in projection.notes)
    return _render(parts)
