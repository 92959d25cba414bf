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
    return typer.Typer(help=help, cls=OpsGroup, **settings)
