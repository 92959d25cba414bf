"""`ops demo`'s scripted day, small, against the session's twin: every message stored and
delivered, and the summary renders."""

from __future__ import annotations

import asyncio

from rich.console import Console

from ops.demo.report import passed, summary
from ops.demo.scenario import Day, Plan
from ops.local.twin import Twin


def test_a_small_day_passes_and_summarises(twin: Twin) -> None:
    steps: list[str] = []
    plan = Plan(users=5, rounds=2, calls=1, uploads=1, group_size=3)
    outcome = asyncio.run(Day(twin.info.rest_url, twin.info.websocket_url, plan, lambda s, n: steps.append(s)).run())

    assert outcome.failures == []
    assert passed(outcome), (outcome.ledger.missing(), outcome.not_stored, outcome.catch_up_missing)
    assert len(outcome.ledger.sent) >= plan.users * plan.rounds
    assert outcome.catch_up_checked > 0
    console = Console(record=True, width=120)
    console.print(summary(outcome, twin))
    text = console.export_text()
    assert "PASS" in text
    assert "function websocket" in text
    assert "calls" in steps
