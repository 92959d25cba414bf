"""Entry point of the `ops` command.

Command groups load lazily (``ops.conventions.lazy``): `ops --help` imports none of them, and
`ops GROUP ...` imports only that group's module.
"""

from __future__ import annotations

from typing import Annotated

import typer

from ops.conventions.lazy import Lazy, LazyGroup


class Ops(LazyGroup):
    """The root group: every command of `ops`, in the order of its help."""

    lazy = {
        "local": Lazy(
            "ops.commands.local", "app", "The local twin: moto as the embedded AWS plus a local API Gateway."
        ),
        "demo": Lazy(
            "ops.commands.demo",
            "demo",
            "Start the local twin, drive a scripted day of traffic from simulated users over real HTTP and "
            "WebSocket connections, and print a summary.",
        ),
        "api": Lazy("ops.commands.api", "app", "The REST API's contract (OpenAPI), generated from the handlers' code."),
        "stack": Lazy("ops.commands.stack", "app", "The CloudFormation stack: synth, outputs, destroy."),
        "deploy": Lazy(
            "ops.commands.deploy",
            "app",
            "Build the Lambda zip, upload it, create a change set for STAGE, show it, ask, execute it with "
            "progress, and print the stack's outputs.",
        ),
        "dashboards": Lazy(
            "ops.commands.dashboards",
            "app",
            "Dashboards generated from the stack model: render, deploy, diff, preview.",
        ),
        "alarms": Lazy(
            "ops.commands.alarms",
            "app",
            "Alarms generated from the stack model: render, deploy, diff, list, test, backtest.",
        ),
        "status": Lazy(
            "ops.commands.status",
            "status",
            "What is wrong right now: alarms not OK, each function's last minutes, the APIs, the most frequent "
            "errors in the logs, the last deployment, the dashboards.",
        ),
        "logs": Lazy(
            "ops.commands.logs",
            "logs",
            "Show the functions' log lines readably (time, function, level, message, the fields that matter), "
            "or raw with --format json.",
        ),
        "cost": Lazy(
            "ops.cost.cli",
            "app",
            "The monthly AWS bill: price explicit usage, or project it per user tier from usage metrics.",
        ),
        "warmup": Lazy(
            "ops.commands.warmup", "app", "Keep functions warm by policy (warmup.yaml): plan, apply, status, verify."
        ),
    }


app = typer.Typer(
    cls=Ops,
    help="Operate the chat platform: local twin, demo, deploy, dashboards, alarms, cost, warm-up.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"ops (chat-platform) {version('chat-platform')}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Operate the chat platform: local twin, demo, deploy, dashboards, alarms, cost, warm-up."""


if __name__ == "__main__":  # pragma: no cover
    app()
