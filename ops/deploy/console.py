"""The deploy's terminal output with rich: steps, the change set as a table, stack events as
they arrive, and the outputs."""

from __future__ import annotations

from collections.abc import Mapping

from rich.console import Console
from rich.table import Table

from ops.deploy.changeset import ChangeSet
from ops.deploy.progress import StackEvent

_ACTION_STYLE = {"Add": "green", "Modify": "yellow", "Remove": "red", "Import": "cyan", "Dynamic": "magenta"}


def _status_style(status: str) -> str:
    if status.endswith("_FAILED") or "ROLLBACK" in status:
        return "red"
    if status.endswith("_COMPLETE"):
        return "green"
    if status.endswith("_SKIPPED"):
        return "yellow"
    return "cyan"


class RichReporter:
    """A ``Reporter`` that prints to a rich console and asks on its terminal."""

    def __init__(self, console: Console, *, interactive: bool = True) -> None:
        self.console = console
        self.interactive = interactive
        self._last_status: str | None = None

    def step(self, message: str) -> None:
        """Print a step."""
        self.console.print(f"[bold blue]>[/] {message}")

    def show_changes(self, change_set: ChangeSet) -> None:
        """Print the change set (or that it changes nothing)."""
        if change_set.empty:
            self.console.print("[green]no changes[/]: the deployed stack already matches")
            return
        table = Table(title=f"change set {change_set.change_set_type} {change_set.stack_name}")
        for column in ("action", "logical id", "type", "replacement"):
            table.add_column(column)
        for change in change_set.changes:
            style = _ACTION_STYLE.get(change.action, "")
            replacement = "[red]True[/]" if change.replacement == "True" else change.replacement
            table.add_row(
                f"[{style}]{change.action}[/]" if style else change.action,
                change.logical_id,
                change.resource_type,
                replacement,
            )
        self.console.print(table)
        self.console.print(f"{len(change_set.changes)} changes")

    def event(self, event: StackEvent) -> None:
        """Print one stack event."""
        style = _status_style(event.status)
        reason = f"  {event.reason}" if event.reason else ""
        self.console.print(
            f"{event.timestamp:%H:%M:%S} [{style}]{event.status:<24}[/] {event.logical_id} "
            f"[dim]{event.resource_type}[/]{reason}",
            highlight=False,
        )

    def status(self, status: str) -> None:
        """Print the stack status when it changes."""
        if status != self._last_status:
            self._last_status = status
            self.console.print(f"[bold]stack status[/] [{_status_style(status)}]{status}[/]")

    def confirm(self, question: str) -> bool:
        """Ask yes/no; never True without an answer (no terminal: refuse)."""
        if not self.interactive:
            self.console.print(f"{question} [red]no terminal to ask on: pass --yes to execute[/]")
            return False
        answer = self.console.input(f"{question} [y/N] ").strip().lower()
        return answer in {"y", "yes"}


def outputs_table(outputs: Mapping[str, str]) -> Table:
    """The stack's outputs as a two-column table."""
    table = Table(title="outputs")
    table.add_column("key")
    table.add_column("value")
    for key, value in sorted(outputs.items()):
        table.add_row(key, value)
    return table


def print_outputs(console: Console, outputs: Mapping[str, str]) -> None:
    """Print the stack's outputs as a two-column table."""
    console.print(outputs_table(outputs))
