"""Entry point of the `ops` command."""

from __future__ import annotations

import typer

from ops.commands import api

app = typer.Typer(
    help="Operate the chat platform: local twin, demo, deploy, dashboards, alarms, cost, warm-up.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(api.app, name="api")


if __name__ == "__main__":  # pragma: no cover
    app()
