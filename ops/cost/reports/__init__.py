"""Reports of a bill (``ops cost estimate``) or a projection (``ops cost project``) in each
output format: table, json, csv, markdown, html."""

from __future__ import annotations

from typing import Literal

from kit.bill import Bill
from ops.cost.projection import Projection
from ops.cost.reports import data, html, markdown, table

OutputFormat = Literal["table", "json", "csv", "markdown", "html"]
FORMATS: tuple[OutputFormat, ...] = ("table", "json", "csv", "markdown", "html")


def render_bill(bill: Bill, fmt: OutputFormat) -> str:
    """``bill`` as text in ``fmt``."""
    renderers = {
        "table": table.bill_table,
        "json": data.bill_json,
        "csv": data.bill_csv,
        "markdown": markdown.bill_markdown,
        "html": html.bill_html,
    }
    return renderers[fmt](bill)


def render_projection(projection: Projection, fmt: OutputFormat) -> str:
    """``projection`` as text in ``fmt``."""
    renderers = {
        "table": table.projection_table,
        "json": data.projection_json,
        "csv": data.projection_csv,
        "markdown": markdown.projection_markdown,
        "html": html.projection_html,
    }
    return renderers[fmt](projection)
