"""Reports of a stage's idle month (``ops cost idle``): every line with its meter and what it
buys, then the template's inventory (each resource type, priced or free and why)."""

from __future__ import annotations

import csv
import io
import json
from html import escape

from rich.console import Console
from rich.table import Table

from ops.cost.idle import IdleMonth
from ops.cost.inventory import Free
from ops.cost.reports.numbers import money, plain, quantity

WIDTH = 160


def _lines(month: IdleMonth) -> list[tuple[str, str, str, str, str, str, str]]:
    return [
        (
            service,
            line.meter,
            quantity(line.quantity) + " " + line.unit,
            quantity(line.free_quantity) if line.free_quantity else "",
            money(line.cost),
            "; ".join(month.buys.get(line.meter, [])),
            line.item,
        )
        for service, line in month.bill.lines()
    ]


def _title(month: IdleMonth) -> str:
    sheet = month.bill.sheet
    return (
        f"Idle month of stage {month.stage} (zero users): {money(month.bill.total)}; prices {sheet.region} "
        f"effective {sheet.effective_date.isoformat()} (sheet {sheet.version}); free tier: {month.bill.free_tier}"
    )


def idle_table(month: IdleMonth) -> str:
    """A terminal table of the lines, then the inventory."""
    lines = Table(title=_title(month), title_justify="left")
    for header in ("service", "meter", "quantity", "free", "cost", "what it buys"):
        lines.add_column(header, justify="right" if header in ("quantity", "free", "cost") else "left")
    for service, meter, qty, free, cost, buys, _ in _lines(month):
        lines.add_row(service, meter, qty, free, cost, buys)
    lines.add_section()
    lines.add_row("total", "", "", "", money(month.bill.total), "")
    inventory = Table(title="The template's resources", title_justify="left")
    for header in ("type", "count", "priced on", "why free / quantity rule"):
        inventory.add_column(header, justify="right" if header == "count" else "left")
    for item in month.inventory:
        if isinstance(item.entry, Free):
            inventory.add_row(item.resource_type, str(item.count), "free", item.entry.reason)
        else:
            inventory.add_row(item.resource_type, str(item.count), ", ".join(item.entry.meters), item.entry.rule)
    buffer = io.StringIO()
    console = Console(file=buffer, width=WIDTH, color_system=None, force_terminal=False, soft_wrap=False)
    console.print(lines)
    console.print(inventory)
    for note in month.notes:
        console.print(f"note: {note}")
    return buffer.getvalue()


def idle_json(month: IdleMonth) -> str:
    """``ops cost estimate``'s JSON shape plus ``stage``, ``inventory``, ``notes`` and each line's ``buys``."""
    return json.dumps(month.to_dict(), indent=2) + "\n"


def idle_csv(month: IdleMonth) -> str:
    """One row per priced line, with its meter and what it buys."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["stage", "service", "meter", "item", "quantity", "unit", "free_quantity", "cost", "buys"])
    for service, line in month.bill.lines():
        writer.writerow(
            [
                month.stage,
                service,
                line.meter,
                line.item,
                plain(line.quantity),
                line.unit,
                plain(line.free_quantity),
                f"{line.cost:.2f}",
                "; ".join(month.buys.get(line.meter, [])),
            ]
        )
    return buffer.getvalue()


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def idle_markdown(month: IdleMonth) -> str:
    """The lines and the inventory as Markdown tables."""
    out = [f"## {_title(month)}", "", "| service | meter | quantity | free | cost | what it buys |"]
    out.append("| --- | --- | ---: | ---: | ---: | --- |")
    for service, meter, qty, free, cost, buys, _ in _lines(month):
        out.append(f"| {service} | `{meter}` | {qty} | {free} | {cost} | {_md(buys)} |")
    out += [f"| **total** | | | | **{money(month.bill.total)}** | |", "", "| type | count | priced on / free |"]
    out.append("| --- | ---: | --- |")
    for item in month.inventory:
        what = f"free: {item.entry.reason}" if isinstance(item.entry, Free) else ", ".join(item.entry.meters)
        out.append(f"| {item.resource_type} | {item.count} | {_md(what)} |")
    out += ["", *(f"- {note}" for note in month.notes)]
    return "\n".join(out) + "\n"


def idle_html(month: IdleMonth) -> str:
    """A self-contained page with the lines and the inventory."""
    rows = "".join("<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row[:6]) + "</tr>" for row in _lines(month))
    inventory = "".join(
        f"<tr><td>{escape(i.resource_type)}</td><td>{i.count}</td><td>"
        + escape(f"free: {i.entry.reason}" if isinstance(i.entry, Free) else ", ".join(i.entry.meters))
        + "</td></tr>"
        for i in month.inventory
    )
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>idle month</title></head><body>"
        f"<h2>{escape(_title(month))}</h2><table><tr><th>service</th><th>meter</th><th>quantity</th>"
        f"<th>free</th><th>cost</th><th>what it buys</th></tr>{rows}</table>"
        f"<h3>The template's resources</h3><table>{inventory}</table></body></html>\n"
    )


RENDERERS = {
    "table": idle_table,
    "json": idle_json,
    "csv": idle_csv,
    "markdown": idle_markdown,
    "html": idle_html,
}
