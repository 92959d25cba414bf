"""Entry point of the `ops` command."""

from __future__ import annotations

import typer

from ops.commands import alarms as alarm_commands
from ops.commands import api
from ops.commands import dashboards as dashboard_commands
from ops.commands import deploy as deploy_command
from ops.commands import local as local_commands
from ops.commands import stack as stack_command
from ops.commands import warmup as warmup_commands
from ops.commands.demo import demo as demo_command
from ops.cost import cli as cost_cli

app = typer.Typer(
    help="Operate the chat platform: local twin, demo, deploy, dashboards, alarms, cost, warm-up.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(api.app, name="api")
app.add_typer(stack_command.app, name="stack")
app.command("deploy")(deploy_command.deploy)
app.add_typer(local_commands.app, name="local")
app.add_typer(dashboard_commands.app, name="dashboards")
app.add_typer(alarm_commands.app, name="alarms")
app.add_typer(warmup_commands.app, name="warmup")
app.add_typer(cost_cli.app, name="cost")
app.command("demo")(demo_command)


if __name__ == "__main__":  # pragma: no cover
    app()
