"""`ops api`: the REST contract generated from the code."""

from __future__ import annotations

from typing import Annotated

import typer

from ops.conventions import BadInput, Failed, OutputOption, emit_text, ops_app

app = ops_app("The REST API's contract (OpenAPI), generated from the handlers' code.")


@app.command("openapi")
def openapi(
    output: OutputOption = None,
    check: Annotated[
        bool, typer.Option("--check", help="Exit 1 when OUTPUT differs from what the code generates.")
    ] = False,
) -> None:
    """Generate the OpenAPI document of every REST route (all functions together)."""
    from ops.openapi import openapi_document

    document = openapi_document()
    if check:
        if output is None:
            raise BadInput("--check needs --output FILE to compare with")
        if not output.exists():
            raise Failed(f"{output} does not exist; run `ops api openapi --output {output}`")
        if output.read_text() != document:
            raise Failed(f"{output} is out of date with the code; run `ops api openapi --output {output}`")
        typer.echo(f"{output} matches the code")
        return
    emit_text(document, output)
