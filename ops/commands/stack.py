"""`ops stack`: synthesize the CloudFormation template, read a deployed stack's outputs,
destroy a stack."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from infra import STACK
from rich.console import Console

app = typer.Typer(help="The CloudFormation stack: synth, outputs, destroy.", no_args_is_help=True)

STAGES = tuple(s.name for s in STACK.stages)
StageOption = Annotated[str, typer.Option("--stage", "-s", help=f"Deployment stage ({' | '.join(STAGES)}).")]
RegionOption = Annotated[str | None, typer.Option("--region", help="AWS region (default: AWS_REGION / profile).")]
EndpointOption = Annotated[
    str | None,
    typer.Option("--endpoint-url", help="AWS endpoint (moto's server, for tests and the local twin)."),
]
ProfileOption = Annotated[str | None, typer.Option("--profile", help="AWS profile.")]


def check_stage(stage: str) -> str:
    """``stage`` when the stack model knows it; a usage error naming the known stages otherwise."""
    if stage not in STAGES:
        raise typer.BadParameter(f"unknown stage {stage!r} (known: {', '.join(STAGES)})", param_hint="--stage")
    return stage


@contextmanager
def cli_errors(console: Console) -> Iterator[None]:
    """Turn any failure into one red line on stderr and exit code 1 (never a traceback)."""
    from ops.deploy.errors import describe_error

    try:
        yield
    except (typer.Exit, typer.Abort, typer.BadParameter):
        raise
    except KeyboardInterrupt:
        console.print("[red]interrupted[/]")
        raise typer.Exit(130) from None
    except Exception as error:
        console.print(f"[bold red]error:[/] {describe_error(error)}", highlight=False)
        raise typer.Exit(1) from None


@app.command("synth")
def synth(
    stage: StageOption = "dev",
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write here instead of standard output.")] = None,
) -> None:
    """Build the CloudFormation template (JSON) of STAGE from the stack model."""
    from infra.template import template_json

    from ops.deploy.synth import build_template

    console = Console(stderr=True)
    check_stage(stage)
    with cli_errors(console):
        text = template_json(build_template(STACK, stage))
        if out is None:
            sys.stdout.write(text)
            return
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text)
        resources = len(json.loads(text)["Resources"])
        console.print(f"wrote {out} ({len(text) / 1000:.0f} kB, {resources} resources)")


@app.command("outputs")
def outputs(
    stage: StageOption = "dev",
    region: RegionOption = None,
    endpoint_url: EndpointOption = None,
    profile: ProfileOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the outputs as a JSON object.")] = False,
) -> None:
    """Print the outputs of the deployed stack of STAGE (URLs, pool and client ids...)."""
    from infra.template import names

    from ops.deploy.aws import AwsTarget, Clients
    from ops.deploy.console import print_outputs
    from ops.deploy.stacks import stack_outputs

    console = Console(stderr=True)
    check_stage(stage)
    with cli_errors(console):
        clients = Clients.create(AwsTarget(region=region, endpoint_url=endpoint_url, profile=profile))
        values = stack_outputs(clients.cloudformation, names.stack_name(STACK, stage))
        if as_json:
            sys.stdout.write(json.dumps(values, indent=2, sort_keys=True) + "\n")
        else:
            print_outputs(Console(), values)


@app.command("destroy")
def destroy(
    stage: StageOption = "dev",
    region: RegionOption = None,
    endpoint_url: EndpointOption = None,
    profile: ProfileOption = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete the stack of STAGE and wait until it is gone. Resources with a Retain policy
    (prod's table, bucket, user pool and key) stay and are listed."""
    from infra.template import names

    from ops.deploy.aws import AwsTarget, Clients
    from ops.deploy.console import RichReporter
    from ops.deploy.stacks import destroy_stack, retained_resources

    console = Console()
    check_stage(stage)
    stack_name = names.stack_name(STACK, stage)
    with cli_errors(console):
        clients = Clients.create(AwsTarget(region=region, endpoint_url=endpoint_url, profile=profile))
        reporter = RichReporter(console, interactive=sys.stdin.isatty())
        if not yes and not reporter.confirm(f"Delete stack {stack_name} in {clients.region}?"):
            console.print("not deleted")
            raise typer.Exit(1)
        events = destroy_stack(clients.cloudformation, stack_name, on_event=reporter.event, on_status=reporter.status)
        console.print(f"[green]deleted[/] {stack_name}")
        for event in retained_resources(events):
            console.print(f"[yellow]retained[/] {event.logical_id} ({event.resource_type}): delete by hand if unwanted")
