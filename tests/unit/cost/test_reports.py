"""Projection reports: Markdown for a pull request, self-contained HTML with a stacked bar chart."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from decimal import Decimal

import pytest
from infra import STACK

from kit.bill import SERVICES
from ops.cost.fixed_costs import observability_usage
from ops.cost.projection import ProjectionOptions, project
from ops.cost.rates import FunctionRate, UserRates
from ops.cost.reports import render_projection
from ops.cost.reports.chart import stacked_bar_svg
from ops.cost.user_tiers import UserTier


@pytest.fixture
def projection(sheet):
    first = STACK.functions[0].name
    rates = UserRates(
        active_users=100,
        window_hours=336,
        functions={first: FunctionRate(requests=2_000, duration_ms=80)},
        rest_requests=2_000,
        websocket_messages=3_000,
        dynamodb_write_units=500,
        dynamodb_read_units=2_000,
        notes=("no ConnectionMinutes metric: 15 minutes per WebSocket connection",),
    )
    return project(
        rates,
        STACK,
        [UserTier("free", 1000), UserTier("light", 5000), UserTier("medium", 10000)],
        sheet,
        ProjectionOptions(),
        [observability_usage(custom_metrics=12, dashboards=6, alarms=22)],
        budgets={"medium": Decimal(1)},
    )


def test_markdown_has_the_tier_table_drivers_and_assumptions(projection):
    text = render_projection(projection, "markdown")

    assert "| service | free (1,000 users) | light (5,000 users) | medium (10,000 users) |" in text
    for service in SERVICES:
        assert f"| {service} | $" in text
    assert "| published range | $1-5 | $20-40 | $70-150 |" in text
    assert re.search(r"\| budget \|  \|  \| \$1\.00 \*\*over\*\* \|", text)
    assert "### Top cost drivers" in text
    assert "- no ConnectionMinutes metric: 15 minutes per WebSocket connection" in text


def test_html_chart_has_one_segment_per_billed_service_and_tier(projection):
    page = render_projection(projection, "html")
    billed = sum(1 for tier in projection.tiers for s in SERVICES if tier.bill.services[s].cost > 0)

    assert page.count("<rect") - len(SERVICES) == billed  # legend swatches aside
    # nothing fetched: no script, stylesheet link, image source or CSS url()
    for fetch in ("<script", "<link", "src=", "href=", "url("):
        assert fetch not in page
    assert "Monthly cost per user tier and service" in page
    svg = page[page.index("<svg") : page.index("</svg>") + len("</svg>")]
    assert ElementTree.fromstring(svg).tag.endswith("svg")  # well-formed
    assert 'class="over"' in page


def test_svg_bars_are_stacked_to_scale():
    svg = stacked_bar_svg(["a", "b"], {"x": [10.0, 0.0], "y": [30.0, 20.0]}, "t")
    heights = [float(h) for h in re.findall(r'<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="([\d.]+)"', svg)]

    # the tallest bar is 40; the axis tops at the next round step, 50, over 330 px:
    # 10 -> 66, 30 -> 198, 20 -> 132
    assert heights[:3] == [66.0, 198.0, 132.0]
    assert "$40.00" in svg and "$20.00" in svg  # bar totals
    assert ">$50</text>" in svg  # top tick
