"""A command group that imports each command's module on first use, so that `ops --help` and
`ops GROUP --help` do not pay for pandas, moto or the twin."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from typer.core import TyperCommand

from ops.conventions.typer_app import OpsGroup


@dataclass(frozen=True)
class Lazy:
    """Where a command lives (``module``, ``attribute``: a typer app or a command function) and
    its one-line help, shown in the group's help without importing the module (a test checks it
    against the command's own)."""

    module: str
    attribute: str
    help: str


class LazyGroup(OpsGroup):
    """An ``OpsGroup`` whose subcommands (``lazy``, by name, in help order) load on first use."""

    lazy: dict[str, Lazy] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._listing = False

    def list_commands(self, ctx: Any) -> list[str]:
        """The eager commands, then the lazy ones."""
        return [*super().list_commands(ctx), *(name for name in self.lazy if name not in self.commands)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        """The command ``cmd_name``; while the group's help is drawn, a stand-in with its help only."""
        found = super().get_command(ctx, cmd_name)
        if found is not None or cmd_name not in self.lazy:
            return found
        entry = self.lazy[cmd_name]
        if self._listing:
            return TyperCommand(cmd_name, help=entry.help, short_help=entry.help)
        command = load(entry, cmd_name)
        self.commands[cmd_name] = command
        return command

    def format_help(self, ctx: Any, formatter: Any) -> None:
        """The group's help, listing the lazy commands without importing them."""
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False


class TyperAppGroup(OpsGroup):
    """The commands of a typer app, each built on first use.

    typer resolves a command's parameters when it builds it (importing pydantic); building
    only the command that runs, and drawing the group's help from the docstrings, keeps
    `ops GROUP --help` as fast as `ops --help`.
    """

    def __init__(self, app: Any, name: str) -> None:
        from typer.main import get_command_name

        super().__init__(name=name, help=_text(app.info.help), no_args_is_help=True, rich_markup_mode=None)
        self._entries: dict[str, Any] = {}
        for info in app.registered_commands:
            self._entries[info.name or get_command_name(info.callback.__name__)] = info
        for group in app.registered_groups:
            self._entries[group.name] = group
        self._listing = False

    def list_commands(self, ctx: Any) -> list[str]:
        """The app's commands and sub-groups, in the order they were registered."""
        return list(self._entries)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        """The command ``cmd_name``, built once; while the help is drawn, a stand-in with its help."""
        import inspect

        from typer.main import get_command_from_info

        if cmd_name in self.commands:
            return self.commands[cmd_name]
        entry = self._entries.get(cmd_name)
        if entry is None:
            return None
        is_group = getattr(entry, "typer_instance", None) is not None
        if self._listing:
            text = _text(entry.typer_instance.info.help) if is_group else entry.help or inspect.getdoc(entry.callback)
            return TyperCommand(cmd_name, help=text)
        command: Any
        if is_group:
            command = TyperAppGroup(entry.typer_instance, cmd_name)
        else:
            command = get_command_from_info(entry, pretty_exceptions_short=False, rich_markup_mode=None)
        self.commands[cmd_name] = command
        return command

    def format_help(self, ctx: Any, formatter: Any) -> None:
        """The group's help, listing its commands without building them."""
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False


def _text(value: Any) -> str | None:
    """A help text set on a typer app (typer keeps unset ones as placeholders)."""
    return value if isinstance(value, str) else None


def load(entry: Lazy, name: str) -> Any:
    """The click command of ``entry``: a typer app as a group, a function as a single command."""
    import typer
    from typer.main import get_command_from_info
    from typer.models import CommandInfo

    target = getattr(importlib.import_module(entry.module), entry.attribute)
    if isinstance(target, typer.Typer) and target.registered_callback is not None:
        # A group that is also a command (`ops deploy` and `ops deploy web`): its callback's
        # options belong to the group, so it is built whole.
        from typer.main import get_group

        return get_group(target)
    if isinstance(target, typer.Typer):
        return TyperAppGroup(target, name)
    return get_command_from_info(
        CommandInfo(name=name, callback=target), pretty_exceptions_short=False, rich_markup_mode=None
    )
