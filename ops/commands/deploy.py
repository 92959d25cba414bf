"""`ops deploy`: package, upload and deploy the stack through a change set; `ops deploy web`:
sync the web build to its bucket and invalidate what changed."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ops.conventions import (
    BadInput,
    EndpointUrlOption,
    Failed,
    InfoFileOption,
    OutputOption,
    ProfileOption,
    RegionOption,
    StageOption,
    TabularFormatOption,
    check_stage,
    connect,
    emit,
    ops_app,
)

HELP = (
    "Build the Lambda zip, upload it, create a change set for STAGE, show it, ask, execute it with "
    "progress, and print the stack's outputs."
)
app = ops_app(HELP, invoke_without_command=True, no_args_is_help=False)


def _parse_parameters(values: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for value in values:
        key, sep, item = value.partition("=")
        if not sep or not key:
            raise BadInput(f"--parameter: {value!r} is not KEY=VALUE")
        out[key] = item
    return out


@app.callback()
def deploy(
    ctx: typer.Context,
    stage: StageOption = "dev",
    region: RegionOption = None,
    endpoint_url: EndpointUrlOption = None,
    profile: ProfileOption = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Execute the change set without asking.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Stop after showing the change set.")] = False,
    parameter: Annotated[
        list[str] | None,
        typer.Option(
            "--parameter",
            "-p",
            help="Template parameter KEY=VALUE (CorsAllowOrigins, AutoConfirmSignups, DomainName, "
            "CertificateArn, WebDomainName, WebCertificateArn); repeatable; kept on later deploys.",
        ),
    ] = None,
    build_dir: Annotated[
        Path,
        typer.Option(
            "--build-dir",
            help="Where the Lambda zips are built. Their bytecode is compiled by python3.12 on the PATH or "
            "OPS_LAMBDA_PYTHON; without one a zip carries sources only, which Lambda compiles at every cold start.",
        ),
    ] = Path("build/lambda"),
) -> None:
    """Build the Lambda zip, upload it, create a change set for STAGE, show it, ask, execute it with progress,
    and print the stack's outputs. `ops deploy web` deploys the web build instead."""
    if ctx.invoked_subcommand is not None:
        return
    from infra import STACK
    from rich.console import Console

    from ops.deploy.aws import Clients
    from ops.deploy.console import RichReporter, print_outputs
    from ops.deploy.errors import StackFailed
    from ops.deploy.pipeline import DeployRequest
    from ops.deploy.pipeline import deploy as run_deploy

    console = Console()
    check_stage(stage)
    request = DeployRequest(
        stage=stage,
        parameters=_parse_parameters(parameter or []),
        yes=yes,
        dry_run=dry_run,
        build_dir=build_dir,
    )
    clients = Clients.create(connect(region=region, endpoint_url=endpoint_url, profile=profile))
    reporter = RichReporter(console, interactive=sys.stdin.isatty())
    try:
        result = run_deploy(STACK, request, clients, reporter)
    except StackFailed:
        console.print("[yellow]CloudFormation rolled the stack back; see docs/deploy.md (roll back).[/]")
        raise
    if result.outcome == "cancelled":
        raise Failed("change set discarded; nothing deployed")
    if result.outcome == "dry-run":
        console.print("dry run: change set discarded; nothing deployed")
        return
    print_outputs(console, result.outputs)


@app.command("web")
def web(
    directory: Annotated[
        Path, typer.Option("--dir", help="The web build's folder (index.html at its top), as your bundler writes it.")
    ],
    stage: StageOption = "dev",
    region: RegionOption = None,
    endpoint_url: EndpointUrlOption = None,
    profile: ProfileOption = None,
    info_file: InfoFileOption = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="List the changes; upload and delete nothing.")] = False,
    fmt: TabularFormatOption = "table",
    output: OutputOption = None,
) -> None:
    """Upload the web build in DIR to STAGE's web bucket (hashed files first, index.html last, removed files
    after), invalidate the changed unhashed paths on its CloudFront distribution, and print the URL. With
    --info-file, the local twin's web bucket, served at its web_url."""
    from ops.deploy.web_console import run_web_deploy

    check_stage(stage)
    aws = connect(region=region, endpoint_url=endpoint_url, profile=profile, info_file=info_file)
    result, rows, human = run_web_deploy(aws, stage, directory, dry_run=dry_run)
    emit(result, fmt, output=output, rows=rows, human=human, title="web build changes" if dry_run else None)
