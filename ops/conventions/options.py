"""The options every `ops` command shares, each with one meaning and one help text.

Commands declare them as parameter types (``stage: StageOption = "dev"``); ``format_option``
builds the ``--format`` option from the formats a command supports, so the names are the same
wherever data is printed (``table``, ``json``, and ``csv`` / ``markdown`` where tables are the point).
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

import typer

# Kept literal (not read from the stack model) so that `--help` needs no import of infra; a
# unit test checks this tuple against the model's stages.
STAGES = ("dev", "prod")

STAGE_HELP = "Deployment stage (dev | prod): names the stack and every resource in it."
REGION_HELP = "AWS region (default: the profile's, else AWS_REGION)."
PROFILE_HELP = "AWS profile to take credentials and region from (default: the environment's)."
ENDPOINT_URL_HELP = "Send AWS calls to this endpoint instead of AWS (moto's server, the local twin's embedded AWS)."
INFO_FILE_HELP = (
    "The local twin's info file (JSON of its endpoints and ids): `ops local up --info-file FILE` writes it; "
    "other commands read it to target the twin instead of a deployed stack."
)
FORMAT_HELP = "How to print the result."
OUTPUT_HELP = "Write the result to this file (without it: standard output, unless the command says otherwise)."

StageOption = Annotated[str, typer.Option("--stage", "-s", help=STAGE_HELP)]
RegionOption = Annotated[str | None, typer.Option("--region", help=REGION_HELP)]
ProfileOption = Annotated[str | None, typer.Option("--profile", help=PROFILE_HELP)]
EndpointUrlOption = Annotated[str | None, typer.Option("--endpoint-url", help=ENDPOINT_URL_HELP)]
InfoFileOption = Annotated[Path | None, typer.Option("--info-file", help=INFO_FILE_HELP)]
OutputOption = Annotated[Path | None, typer.Option("--output", "-o", help=OUTPUT_HELP)]


class Format(StrEnum):
    """The names of the output formats, the same in every command (compares equal to its name)."""

    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"
    html = "html"  # `ops cost` reports only


def format_option() -> Any:
    """The ``--format`` option; the command's annotation lists the formats it supports.

    Use as ``fmt: Annotated[Literal["table", "json"], format_option()] = "table"``, or one of
    the aliases below; every name must be a ``Format`` (a test walks the commands to check).
    """
    return typer.Option("--format", "-f", help=FORMAT_HELP, case_sensitive=False)


# The usual sets: a result (table or JSON); a tabular report (plus CSV and Markdown).
FormatOption = Annotated[Literal["table", "json"], format_option()]
TabularFormatOption = Annotated[Literal["table", "json", "csv", "markdown"], format_option()]


def check_stage(stage: str) -> str:
    """``stage`` when the stack model knows it; a usage error (exit 2) naming the known stages."""
    if stage not in STAGES:
        raise typer.BadParameter(f"unknown stage {stage!r} (known: {', '.join(STAGES)})", param_hint="--stage")
    return stage
