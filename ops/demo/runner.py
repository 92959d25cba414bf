"""``ops demo``: start the twin, drive the day with a progress bar, print the summary."""

from __future__ import annotations

import asyncio

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ops.demo.report import passed, summary
from ops.demo.scenario import Day, Outcome, Plan
from ops.local.twin import Twin


def run_day(twin: Twin, plan: Plan, console: Console) -> Outcome:
    """Drive ``plan`` against a running twin with a progress bar."""
    with Progress(
        TextColumn("[bold]{task.description:<24}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as progress:
        task = progress.add_task("starting", total=plan.steps())

        def advance(label: str, steps: int) -> None:
            progress.update(task, advance=steps, description=label)

        day = Day(twin.info.rest_url, twin.info.websocket_url, plan, advance)
        outcome = asyncio.run(day.run())
        progress.update(task, completed=plan.steps(), description="done")
    return outcome


def report(twin: Twin, outcome: Outcome, console: Console) -> bool:
    """Print the summary (and what went wrong); True when the demo passed."""
    twin.flush()
    console.print(summary(outcome, twin))
    for failure in outcome.failures[:10]:
        console.print(f"[yellow]step failed:[/] {failure}")
    for message_id, devices in outcome.ledger.missing()[:10]:
        console.print(f"[red]not delivered:[/] {message_id} to {', '.join(sorted(devices))}")
    for message_id in outcome.not_stored[:10]:
        console.print(f"[red]not stored:[/] {message_id}")
    return passed(outcome)
