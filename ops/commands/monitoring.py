"""What `ops alarms` and `ops dashboards` share: where the metrics are, the thresholds file,
progress, and the drift report of `deploy`/`diff`.

Where: ``--info-file`` (written by ``ops local up --info-file``) targets the local twin;
otherwise the deployed CloudFormation stack of ``--stage`` (``--region``, ``--endpoint-url``,
``--profile``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ops.conventions import Aws, BadInput, Failed, check_stage, connect, emit

ThresholdsOption = Annotated[
    Path | None, typer.Option("--thresholds", help="Thresholds file (default: the packaged alarms/thresholds.yaml).")
]
OutDirOption = Annotated[Path, typer.Option("--out", help="Directory to write the files into.")]
ExitCodeOption = Annotated[bool, typer.Option("--exit-code", help="Exit with 1 when anything differs.")]


def target_of(
    stage: str, info_file: Path | None, region: str | None, endpoint_url: str | None, profile: str | None
) -> tuple[Aws, Any]:
    """The AWS access and the target: the twin of ``info_file``, else the deployed stack of ``stage``."""
    from infra import STACK

    from alarms.resolve import deployed_target
    from kit.target import twin_target
    from ops.local import names as local_names

    check_stage(stage)
    aws = connect(region=region, endpoint_url=endpoint_url, profile=profile, info_file=info_file)
    if aws.info is not None:
        target = twin_target(STACK, aws.info, stage=stage, region=aws.region_name(), account_id=local_names.ACCOUNT_ID)
        return aws, target
    return aws, deployed_target(STACK, stage, aws.client("cloudformation"))


def twin_target_of(stage: str, info_file: Path | None) -> Any:
    """The twin's target when ``info_file`` is given (names as the twin has them), else None."""
    check_stage(stage)
    return target_of(stage, info_file, None, None, None)[1] if info_file else None


def progress() -> Any:
    """A transient progress bar on standard error (standard output is the result's)."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        console=Console(stderr=True),
        transient=True,
    )


def drift_table(kind: str, drift: Any) -> list[Any]:
    """A drift report for people: a table of what differs (or that nothing does), and a summary."""
    from rich.table import Table

    if drift.clean:
        return [f"[green]no drift[/]: {drift.same} {kind}s match the model"]
    table = Table(title=f"{kind} drift")
    table.add_column("change")
    table.add_column(kind, overflow="fold")
    table.add_column("what differs", overflow="fold")
    for name in drift.missing:
        table.add_row("[green]+ missing[/]", name, "not deployed")
    for name, fields in sorted(drift.changed.items()):
        table.add_row("[yellow]~ changed[/]", name, ", ".join(fields[:12]) + (" ..." if len(fields) > 12 else ""))
    for name in drift.extra:
        table.add_row("[red]- extra[/]", name, "deployed, not in the model")
    summary = (
        f"{len(drift.missing)} missing, {len(drift.changed)} changed, {len(drift.extra)} extra, {drift.same} unchanged"
    )
    return [table, summary]


def report_drift(kind: str, drift: Any, fmt: str, exit_code: bool, note: str = "") -> None:
    """Print a drift report (``kind``: alarm or dashboard) and fail the gate when asked and not clean."""
    notes = [f"[yellow]note:[/] {note}"] if note else []
    emit({**drift.as_dict(), "note": note}, fmt, human=lambda: drift_table(kind, drift) + notes)
    if exit_code and not drift.clean:
        raise Failed(f"{kind}s differ from the model: run `ops {kind}s deploy` to repair")


def unknown(what: str, name: str, known: list[str]) -> BadInput:
    """The error for a name the model does not have, with the names it has."""
    return BadInput(f"no {what} {name!r} (known: {', '.join(known)})")
