"""`ops stack`: synthesize the CloudFormation template, read a deployed stack's outputs, destroy a stack."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from ops.conventions import (
    EndpointUrlOption,
    Failed,
    FormatOption,
    OutputOption,
    ProfileOption,
    RegionOption,
    StageOption,
    check_stage,
    connect,
    emit,
    emit_text,
    ops_app,
)

app = ops_app("The CloudFormation stack: synth, outputs, destroy.")


@app.command("synth")
def synth(stage: StageOption = "dev", output: OutputOption = None) -> None:
    """Build the CloudFormation template (JSON) of STAGE from the stack model."""
    from infra import STACK
    from infra.template import template_json

    from ops.deploy.synth import build_template

    check_stage(stage)
    text = template_json(build_template(STACK, stage))
    emit_text(text, output)
    if output is not None:
        resources = len(json.loads(text)["Resources"])
        typer.echo(f"{len(text) / 1000:.0f} kB, {resources} resources", err=True)


@app.command("outputs")
def outputs(
    stage: StageOption = "dev",
    region: RegionOption = None,
    endpoint_url: EndpointUrlOption = None,
    profile: ProfileOption = None,
    fmt: FormatOption = "table",
) -> None:
    """Print the outputs of the deployed stack of STAGE (URLs, pool and client ids...)."""
    from infra import STACK
    from infra.template import names

    from ops.deploy.aws import Clients
    from ops.deploy.console import outputs_table
    from ops.deploy.stacks import stack_outputs

    check_stage(stage)
    clients = Clients.create(connect(region=region, endpoint_url=endpoint_url, profile=profile))
    values = stack_outputs(clients.cloudformation, names.stack_name(STACK, stage))
    emit(values, fmt, human=lambda: outputs_table(values))


@app.command("destroy")
def destroy(
    stage: StageOption = "dev",
    region: RegionOption = None,
    endpoint_url: EndpointUrlOption = None,
    profile: ProfileOption = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete the stack of STAGE and wait until it is gone. Resources with a Retain policy (prod's table, bucket,
    user pool and key) stay and are listed."""
    from infra import STACK
    from infra.template import names
    from rich.console import Console

    from ops.deploy.aws import Clients
    from ops.deploy.console import RichReporter
    from ops.deploy.stacks import destroy_stack, retained_resources

    console = Console()
    check_stage(stage)
    stack_name = names.stack_name(STACK, stage)
    clients = Clients.create(connect(region=region, endpoint_url=endpoint_url, profile=profile))
    reporter = RichReporter(console, interactive=sys.stdin.isatty())
    if not yes and not reporter.confirm(f"Delete stack {stack_name} in {clients.region}?"):
        raise Failed("not deleted (confirm, or pass --yes)")
    events = destroy_stack(clients.cloudformation, stack_name, on_event=reporter.event, on_status=reporter.status)
    console.print(f"[green]deleted[/] {stack_name}")
    for event in retained_resources(events):
        console.print(f"[yellow]retained[/] {event.logical_id} ({event.resource_type}): delete by hand if unwanted")
