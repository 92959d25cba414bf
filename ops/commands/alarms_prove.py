"""`ops alarms prove`: inject each failure into a twin and check that the right alarms fire,
notify once and recover; run healthy traffic and check that nothing fires."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from ops.conventions import BadInput, Failed, FormatOption, InfoFileOption, read_info
from ops.prove.scenarios import Scenario, find

if TYPE_CHECKING:  # the runner (boto3, the alarm model, httpx) loads when a proof runs, not for --help
    from ops.prove.runner import Result

err = Console(stderr=True)
out = Console()


def _info(path: Path) -> dict[str, Any]:
    info = read_info(path)
    missing = [k for k in ("notifications_outbox", "faults_file", "aws_endpoint_url") if not info.get(k)]
    if missing:
        raise BadInput(f"{path} has no {', '.join(missing)}: restart the twin with this version of `ops local up`")
    return info


def run_scenarios(scenarios: list[Scenario], info: dict[str, Any], on_progress: Any = None) -> list[Result]:
    """Run ``scenarios`` on the twin of ``info``; one result each."""
    from ops.prove.runner import Prover

    prover = Prover(info, on_progress)
    try:
        prover.start()
        return [prover.run(scenario) for scenario in scenarios]
    finally:
        prover.stop()


def prove(
    scenario: Annotated[
        list[str] | None, typer.Option("--scenario", help="Only these scenarios (repeatable; default: all).")
    ] = None,
    info_file: InfoFileOption = None,
    clock_speed: Annotated[
        float, typer.Option("--clock-speed", min=1.0, max=600.0, help="Clock speed of the twin it starts.")
    ] = 30.0,
    fast: Annotated[bool, typer.Option("--fast", help="Only the scenarios marked fast.")] = False,
    output_format: FormatOption = "table",
) -> None:
    """Break the twin on purpose, one failure at a time, and check every alarm expectation.

    For each failure: healthy traffic, inject, the named alarms and ServiceHealth in ALARM,
    one notification (per channel) naming value, threshold and runbook; clear, OK again and
    one OK notification. Healthy runs (low, medium, bursty traffic) must fire nothing.
    Exit 1 when an expectation fails.
    """
    if output_format not in ("table", "json"):
        raise BadInput(f"--format {output_format!r}: use table or json")
    try:
        chosen = find(list(scenario or []))
    except KeyError as error:
        raise BadInput(str(error.args[0])) from None
    if fast:
        chosen = [s for s in chosen if s.fast]
    progress = (lambda message: err.print(f"[dim]{message}[/]")) if output_format == "table" else None
    if info_file is not None:
        results = run_scenarios(chosen, _info(info_file), progress)
    else:
        from ops.commands.local import start_twin
        from ops.local.twin import TwinConfig

        err.print(f"starting a twin with its clock at x{clock_speed:g}...")
        twin = start_twin(
            TwinConfig(port=0, clock_speed=clock_speed, state_dir=Path(tempfile.mkdtemp(prefix="prove-")))
        )
        try:
            results = run_scenarios(chosen, twin.info.as_dict(), progress)
        finally:
            twin.stop()
    report(results, chosen, output_format)
    failed = [r for r in results if not r.passed]
    if failed:
        raise Failed(f"{len(failed)} of {len(results)} scenarios did not meet their expectations (see above)")


def report(results: list[Result], scenarios: list[Scenario], output_format: str) -> None:
    """Print the results as a table or JSON."""
    if output_format == "json":
        sys.stdout.write(json.dumps([r.as_dict() for r in results], indent=2) + "\n")
        return
    by_name = {s.name: s for s in scenarios}
    table = Table(title="ops alarms prove (times in minutes of the twin's clock)")
    for column in ("scenario", "result", "fault", "traffic", "alarm: time to ALARM", "OK after", "notified", "notes"):
        table.add_column(column, overflow="fold")
    for result in results:
        scenario = by_name[result.scenario]
        fired = "\n".join(f"{p}: {'-' if t is None else f'{t:g}'}" for p, t in result.fired.items())
        if scenario.healthy:
            fired = f"{result.alarm_transitions} ALARM transitions"
        verdict = (
            "[green]pass[/]" if result.passed else ("[yellow]fail (pending)[/]" if result.pending else "[red]fail[/]")
        )
        notified = ""
        if not scenario.healthy:
            notified = f"ALARM {result.alarm_notifications or 0}\nOK {result.ok_notifications or 0}"
        notes = "; ".join(
            result.failures + ([f"pending: {result.pending}"] if result.pending and not result.passed else [])
        )
        table.add_row(
            result.scenario,
            verdict,
            " + ".join(f"{kind}{' ' + function if function else ''}" for kind, function in scenario.faults) or "-",
            scenario.traffic,
            fired or "-",
            "-" if result.recovered_minutes is None else f"{result.recovered_minutes:g}",
            notified,
            notes,
        )
    out.print(table)
    passed = sum(r.passed for r in results)
    out.print(f"{passed} of {len(results)} scenarios passed")
