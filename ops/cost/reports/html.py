"""Self-contained HTML reports: inline CSS and an inline SVG chart, nothing fetched."""

from __future__ import annotations

from html import escape

from kit.bill import SERVICES, Bill
from ops.cost.projection import Projection
from ops.cost.reports.chart import stacked_bar_svg
from ops.cost.reports.numbers import money, percent, published, quantity
from ops.cost.reports.rates import rate_rows

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid #ccc; padding: 0.3rem 0.6rem; }
td.num, th.num { text-align: right; }
tr.total td { font-weight: bold; }
.over { color: #b00020; font-weight: bold; }
.note { color: #555; }
"""


def _page(title: str, body: list[str]) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def _row(cells: list[str], numeric_from: int = 1, css: str = "") -> str:
    tds = "".join(
        f'<td class="num">{cell}</td>' if index >= numeric_from else f"<td>{cell}</td>"
        for index, cell in enumerate(cells)
    )
    return f'<tr class="{css}">{tds}</tr>' if css else f"<tr>{tds}</tr>"


def bill_html(bill: Bill) -> str:
    """The estimate: a bar of cost by service and the line items."""
    sheet = bill.sheet
    services = [name for name in SERVICES if bill.services[name].cost > 0]
    chart = stacked_bar_svg(
        ["this month"], {name: [float(bill.services[name].cost)] for name in services}, "Monthly cost by service"
    )
    rows = [
        _row(
            [
                escape(service),
                escape(line.item),
                quantity(line.quantity),
                escape(line.unit),
                quantity(line.free_quantity) if line.free_quantity else "",
                money(line.cost),
            ],
            numeric_from=2,
        )
        for service, line in bill.lines()
    ]
    rows.append(_row(["total", "", "", "", "", money(bill.total)], numeric_from=2, css="total"))
    body = [
        "<h1>Estimated monthly AWS cost</h1>",
        f'<p class="note">Prices: {escape(sheet.region)} list prices effective {sheet.effective_date.isoformat()} '
        f"(sheet {escape(sheet.version)}); free tier: {escape(bill.free_tier)}.</p>",
        chart,
        '<table><tr><th>service</th><th>item</th><th class="num">quantity</th><th>unit</th>'
        '<th class="num">free tier</th><th class="num">cost</th></tr>',
        *rows,
        "</table>",
    ]
    return _page("Estimated monthly AWS cost", body)


def projection_html(projection: Projection) -> str:
    """The projection: a stacked bar per tier (one segment per service) and the tables."""
    tiers = projection.tiers
    sheet = projection.sheet
    chart = stacked_bar_svg(
        [f"{t.tier.name} ({t.tier.users:,})" for t in tiers],
        {service: [float(t.bill.services[service].cost) for t in tiers] for service in SERVICES},
        "Monthly cost per user tier and service",
    )
    head = "".join(f'<th class="num">{escape(t.tier.name)}<br>{t.tier.users:,} users</th>' for t in tiers)
    rows = [_row([service, *(money(t.bill.services[service].cost) for t in tiers)]) for service in SERVICES]
    rows.append(_row(["total", *(money(t.total) for t in tiers)], css="total"))
    rows.append(_row(["per user", *(money(t.total / t.tier.users) for t in tiers)]))
    rows.append(_row(["published range", *(published(t.published_range) for t in tiers)]))
    rows.append(_row(["verdict", *(escape(t.verdict or "") for t in tiers)]))
    if any(t.budget is not None for t in tiers):
        rows.append(
            _row(
                [
                    "budget",
                    *(
                        ""
                        if t.budget is None
                        else (
                            f'<span class="over">{money(t.budget)} over</span>'
                            if t.over_budget
                            else f"{money(t.budget)} ok"
                        )
                        for t in tiers
                    ),
                ]
            )
        )
    drivers = []
    for tier in tiers:
        items = ", ".join(
            f"{escape(service)} {escape(line.item)} {money(line.cost)} ({percent(float(line.cost / tier.total))})"
            for service, line in tier.top_drivers()
        )
        drivers.append(f"<li><b>{escape(tier.tier.name)}</b>: {items or 'nothing billed'}</li>")
    rates = [_row([escape(name), value]) for name, value in rate_rows(projection)]
    notes = [f"<li>fixed in every tier: {escape(', '.join(f.label for f in projection.fixed) or 'none')}</li>"]
    notes += [f"<li>{escape(note)}</li>" for note in projection.notes]
    body = [
        "<h1>Projected monthly AWS cost per user tier</h1>",
        f'<p class="note">Prices: {escape(sheet.region)} list prices effective {sheet.effective_date.isoformat()} '
        f"(sheet {escape(sheet.version)}); free tier: {escape(projection.options.free_tier)}. "
        f"Usage of {projection.rates.active_users:,.0f} active users over {projection.rates.window_hours:,.1f} hours; "
        f"storage after {projection.options.months_of_data} months.</p>",
        chart,
        f"<table><tr><th>service</th>{head}</tr>",
        *rows,
        "</table>",
        "<h2>Top cost drivers</h2>",
        "<ul>",
        *drivers,
        "</ul>",
        "<h2>Per active user per month</h2>",
        '<table><tr><th>quantity</th><th class="num">per user</th></tr>',
        *rates,
        "</table>",
        "<h2>Assumptions</h2>",
        "<ul>",
        *notes,
        "</ul>",
    ]
    return _page("Projected monthly AWS cost per user tier", body)
