"""Markdown reports, for a pull request or a wiki page."""

from __future__ import annotations

from kit.bill import SERVICES, Bill
from ops.cost.projection import Projection
from ops.cost.reports.numbers import money, percent, published, quantity
from ops.cost.reports.rates import rate_rows


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def bill_markdown(bill: Bill) -> str:
    """The estimate as a Markdown table with its total."""
    sheet = bill.sheet
    out = [
        "## Estimated monthly AWS cost",
        "",
        f"Prices: {sheet.region} list prices effective {sheet.effective_date.isoformat()} "
        f"(sheet {sheet.version}); free tier: `{bill.free_tier}`.",
        "",
        "| service | item | quantity | unit | free tier | cost |",
        "| --- | --- | ---: | --- | ---: | ---: |",
    ]
    for service, line in bill.lines():
        free = quantity(line.free_quantity) if line.free_quantity else ""
        cells = [service, _cell(line.item), quantity(line.quantity), line.unit, free, money(line.cost)]
        out.append("| " + " | ".join(cells) + " |")
    out.append(f"| **total** | | | | | **{money(bill.total)}** |")
    return "\n".join(out) + "\n"


def projection_markdown(projection: Projection) -> str:
    """The projection: cost per tier and service, ranges, budgets, drivers, rates, assumptions."""
    tiers = projection.tiers
    sheet = projection.sheet
    out = [
        "## Projected monthly AWS cost per user tier",
        "",
        f"Prices: {sheet.region} list prices effective {sheet.effective_date.isoformat()} "
        f"(sheet {sheet.version}); free tier: `{projection.options.free_tier}`. "
        f"Usage of {projection.rates.active_users:,.0f} active users over "
        f"{projection.rates.window_hours:,.1f} hours; storage after {projection.options.months_of_data} months.",
        "",
        "| service | " + " | ".join(f"{t.tier.name} ({t.tier.users:,} users)" for t in tiers) + " |",
        "| --- |" + " ---: |" * len(tiers),
    ]
    for service in SERVICES:
        out.append(f"| {service} | " + " | ".join(money(t.bill.services[service].cost) for t in tiers) + " |")
    out.append("| **total** | " + " | ".join(f"**{money(t.total)}**" for t in tiers) + " |")
    out.append("| per user | " + " | ".join(money(t.total / t.tier.users) for t in tiers) + " |")
    out.append("| published range | " + " | ".join(published(t.published_range) for t in tiers) + " |")
    out.append("| verdict | " + " | ".join(t.verdict or "" for t in tiers) + " |")
    if any(t.budget is not None for t in tiers):
        out.append(
            "| budget | "
            + " | ".join(
                "" if t.budget is None else f"{money(t.budget)} {'**over**' if t.over_budget else 'ok'}" for t in tiers
            )
            + " |"
        )
    out += ["", "### Top cost drivers", ""]
    for tier in tiers:
        drivers = ", ".join(
            f"{service} {line.item} {money(line.cost)} ({percent(float(line.cost / tier.total))})"
            for service, line in tier.top_drivers()
        )
        out.append(f"- **{tier.tier.name}**: {_cell(drivers) or 'nothing billed'}")
    out += ["", "### Per active user per month", "", "| quantity | per user |", "| --- | ---: |"]
    out += [f"| {_cell(name)} | {value} |" for name, value in rate_rows(projection)]
    out += ["", "### Assumptions", ""]
    out.append("- fixed costs in every tier: " + (", ".join(f.label for f in projection.fixed) or "none"))
    out += [f"- {note}" for note in projection.notes]
    return "\n".join(out) + "\n"
