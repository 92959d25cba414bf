"""`ops local fault`: break the running twin on purpose (inject, clear, list).

The twin reads its faults file (``faults_file`` in the info file) on every request it
serves, so a fault takes effect at once and ends with ``clear`` or after ``--for``.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from ops.conventions import BadInput, FormatOption, InfoFileOption, ops_app, read_info
from ops.local.faults import KINDS, NEEDS_FUNCTION, FaultError, as_rows, clear, inject, read_faults

app = ops_app("Inject faults into the running local twin, clear them, list them.")
out = Console()

_DURATION = re.compile(r"^(\d+(?:\.\d+)?)\s*(s|m|h)?$")


def parse_duration(text: str) -> float:
    """``90``, ``90s``, ``5m``, ``1h`` -> seconds; ValueError otherwise."""
    match = _DURATION.match(text.strip())
    if not match:
        raise ValueError(f"--for {text!r}: write a duration like 90s, 5m or 1h")
    return float(match.group(1)) * {"s": 1, "m": 60, "h": 3600}[match.group(2) or "s"]


def _info(path: Path | None) -> dict[str, Any]:
    if path is None:
        raise BadInput("pass --info-file FILE: the file `ops local up --info-file FILE` wrote for the running twin")
    info = read_info(path)
    if not info.get("faults_file"):
        raise BadInput(f"{path} has no faults_file: restart the twin with this version of `ops local up`")
    return info


def _check_format(value: str) -> None:
    if value not in ("table", "json"):
        raise BadInput(f"--format {value!r}: use table or json")


@app.command("inject")
def inject_fault(
    kind: Annotated[str, typer.Argument(help=f"One of: {', '.join(KINDS)}.")],
    info_file: InfoFileOption = None,
    function: Annotated[
        str | None, typer.Option("--function", help="The function that fails (model name, e.g. chat).")
    ] = None,
    duration: Annotated[
        str | None,
        typer.Option("--for", help="End by itself after this long on the twin's clock (90s, 5m, 1h)."),
    ] = None,
    output_format: FormatOption = "table",
) -> None:
    """Inject a fault into the running twin."""
    _check_format(output_format)
    info = _info(info_file)
    known = set((info.get("functions") or {}).keys())
    if function is not None and known and function not in known:
        raise BadInput(f"--function {function!r} is not a function of the twin; known: {', '.join(sorted(known))}")
    if function is not None and kind not in NEEDS_FUNCTION:
        raise BadInput(f"{kind} applies to the whole twin; drop --function")
    seconds = None
    if duration is not None:
        try:
            seconds = parse_duration(duration) / float(info.get("clock_speed") or 1.0)
        except ValueError as error:
            raise BadInput(str(error)) from None
    try:
        fault = inject(Path(info["faults_file"]), kind, function, seconds)
    except FaultError as error:
        raise BadInput(str(error)) from None
    if output_format == "json":
        sys.stdout.write(json.dumps(as_rows([fault])[0]) + "\n")
        return
    where = f" into {function}" if function else ""
    until = f" until {as_rows([fault])[0]['until']}" if fault.until else " until cleared"
    out.print(f"[red]injected[/] {kind}{where}{until}: {KINDS[kind]}")


@app.command("clear")
def clear_fault(
    kind: Annotated[str | None, typer.Argument(help="Only this kind (default: every fault).")] = None,
    info_file: InfoFileOption = None,
    output_format: FormatOption = "table",
) -> None:
    """Clear injected faults (all of them, or one kind)."""
    _check_format(output_format)
    info = _info(info_file)
    try:
        removed = clear(Path(info["faults_file"]), kind)
    except FaultError as error:
        raise BadInput(str(error)) from None
    if output_format == "json":
        sys.stdout.write(json.dumps(as_rows(removed)) + "\n")
        return
    out.print(f"[green]cleared[/] {len(removed)} fault(s)" + (f" of kind {kind}" if kind else ""))


@app.command("list")
def list_faults(
    info_file: InfoFileOption = None,
    output_format: FormatOption = "table",
) -> None:
    """The fault kinds, and which are injected now (with --info-file)."""
    _check_format(output_format)
    active: dict[str, list[dict[str, Any]]] = {}
    if info_file is not None:
        info = _info(info_file)
        try:
            faults = [f for f in read_faults(Path(info["faults_file"])) if f.active()]
        except FaultError as error:
            raise BadInput(str(error)) from None
        for fault, row in zip(faults, as_rows(faults), strict=True):
            active.setdefault(fault.kind, []).append(row)
    rows: list[dict[str, Any]] = [
        {"kind": kind, "effect": effect, "needs_function": kind in NEEDS_FUNCTION, "active": active.get(kind, [])}
        for kind, effect in KINDS.items()
    ]
    if output_format == "json":
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return
    table = Table(title="twin faults")
    for column in ("kind", "effect", "injected now"):
        table.add_column(column, overflow="fold")
    for row in rows:
        now = ", ".join(
            (r["function"] or "all") + (f" until {r['until']}" if r["until"] else "") for r in row["active"]
        )
        table.add_row(row["kind"], row["effect"], now or ("-" if info_file else "(pass --info-file)"))
    out.print(table)
