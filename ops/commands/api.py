"""`ops api`: the REST contract generated from the code."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ops.openapi import openapi_document

app = typer.Typer(help="The REST API's contract (OpenAPI), generated from the handlers' code.", no_args_is_help=True)


@app.command("openapi")
def openapi(
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write here instead of standard output.")] = None,
    check: Annotated[
        bool, typer.Option("--check", help="Exit 1 when OUT differs from what the code generates.")
    ] = False,
) -> None:
    """Generate the OpenAPI document of every REST route (all functions together)."""
    document = openapi_document()
    if check:
        if out is None:
            raise typer.BadParameter("--check needs --out FILE to compare with", param_hint="--check")
        if not out.exists():
            typer.echo(f"{out} does not exist; run `ops api openapi --out {out}`", err=True)
            raise typer.Exit(1)
        if out.read_text() != document:
            typer.echo(f"{out} is out of date with the code; run `ops api openapi --out {out}`", err=True)
            raise typer.Exit(1)
        typer.echo(f"{out} matches the code")
        return
    if out is None:
        typer.echo(document, nl=False)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(document)
    typer.echo(f"wrote {out}")
