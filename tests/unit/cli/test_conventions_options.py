"""The shared options: one meaning, one help text, formats by name."""

from __future__ import annotations

from typing import Annotated, Literal

from infra import STACK
from typer.testing import CliRunner

from ops.conventions import Format, FormatOption, StageOption, TabularFormatOption, check_stage, ops_app
from ops.conventions.options import STAGES, format_option

runner = CliRunner()


def flat(text: str) -> str:
    """``text`` without rich's boxes and line breaks (help and errors wrap at the terminal's width)."""
    return " ".join(text.replace("│", " ").replace("╭", " ").replace("╰", " ").split())


app = ops_app("test app")


@app.command("show")
def show(fmt: FormatOption = "table", stage: StageOption = "dev") -> None:
    """Print the format chosen and the stage checked."""
    check_stage(stage)
    print(repr(fmt), stage)


@app.command("report")
def report(fmt: TabularFormatOption = "table") -> None:
    """Print the format chosen."""
    print(repr(fmt))


@app.command("html")
def html(fmt: Annotated[Literal["html", "json"], format_option()] = "json") -> None:
    """A command with its own set of formats."""
    print(repr(fmt))


def test_the_literal_stages_are_the_models() -> None:
    assert tuple(stage.name for stage in STACK.stages) == STAGES


def test_a_format_arrives_by_its_shared_name() -> None:
    result = runner.invoke(app, ["show", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert "'json' dev" in result.stdout
    assert "'table' dev" in runner.invoke(app, ["show"]).stdout
    assert "'markdown'" in runner.invoke(app, ["report", "-f", "MARKDOWN"]).stdout
    assert "'html'" in runner.invoke(app, ["html", "--format", "html"]).stdout
    assert Format("json") == "json"


def test_a_format_the_command_does_not_support_is_a_usage_error() -> None:
    result = runner.invoke(app, ["show", "--format", "csv"])
    assert result.exit_code == 2
    assert "'csv' is not one of 'table', 'json'" in flat(result.output)
    assert runner.invoke(app, ["report", "--format", "html"]).exit_code == 2


def test_help_lists_the_supported_formats() -> None:
    result = runner.invoke(app, ["report", "--help"], terminal_width=200)
    assert "<table|json|csv|markdown>" in flat(result.output)


def test_an_unknown_stage_is_a_usage_error_naming_the_known_ones() -> None:
    result = runner.invoke(app, ["show", "--stage", "qa"])
    assert result.exit_code == 2
    assert "known: dev, prod" in flat(result.output)
