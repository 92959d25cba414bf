"""The typer application class every `ops` command group is made with.

``OpsGroup`` runs each command inside the error boundary (``ops.conventions.errors``), so a
command body raises ``BadInput`` / ``Failed`` or lets botocore's errors through, and never
formats an error itself.
"""

from __future__ import annotations

from typing import Any

from typer.core import TyperGroup

from ops.conventions.errors import boundary


class OpsGroup(TyperGroup):
    """A typer group whose commands run inside the error boundary."""

    def get_help_option(self, ctx: Any) -> Any:
        """click's ``--help``, made cheap: typer coerces an absent ``--help`` (None) through pydantic,
        which costs more than typer's own import on every `ops GROUP ...`; an absent flag is False."""
        option: Any = super().get_help_option(ctx)
        if option is not None and not getattr(option, "_absent_is_false", False):
            process = option.process_value

            def process_value(ctx: Any, value: Any) -> Any:
                return process(ctx, False if value is None else value)

            option.process_value = process_value
            option._absent_is_false = True
        return option

    def invoke(self, ctx: Any) -> Any:
        """Run the chosen command; user-facing failures become a message and an exit code."""
        with boundary():
            return super().invoke(ctx)


def ops_app(help: str, **settings: Any) -> Any:
    """A ``typer.Typer`` for one `ops` command group: help shown without arguments, errors
    through the boundary, tracebacks of bugs in plain text."""
    import typer

    settings.setdefault("no_args_is_help", True)
    settings.setdefault("pretty_exceptions_enable", False)
    settings.setdefault("add_completion", False)
    # Plain help (click's formatter): paragraphs rewrapped to the terminal, and no import of
    # rich's markdown machinery, which alone costs more than typer itself (`ops --help` speed).
    settings.setdefault("rich_markup_mode", None)
    return typer.Typer(help=help, cls=OpsGroup, **settings)
