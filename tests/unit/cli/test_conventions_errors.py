"""The error boundary: exit 2 bad input, 3 AWS, 1 a failed gate; bugs keep their traceback."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from botocore.stub import Stubber
from typer.testing import CliRunner

from ops.conventions import Aws, BadInput, Failed, ops_app

runner = CliRunner()
app = ops_app("test app")


@app.command("bad")
def bad() -> None:
    """Bad input with details."""
    raise BadInput("usage.yaml: requests.rest: must be a number", "requests.ws: unknown key")


@app.command("gate")
def gate() -> None:
    """A failed verification."""
    raise Failed("2 alarms drifted")


@app.command("refused")
def refused() -> None:
    """AWS refuses a call."""
    cloudwatch = Aws(region="eu-west-1", endpoint_url="http://127.0.0.1:9").client("cloudwatch")
    stubber = Stubber(cloudwatch)
    stubber.add_client_error("describe_alarms", "AccessDenied", "not allowed", 403)
    with stubber:
        cloudwatch.describe_alarms()


@app.command("unreachable")
def unreachable() -> None:
    """Nobody listens on port 9."""
    Aws(region="eu-west-1", endpoint_url="http://127.0.0.1:9", max_attempts=1).client("dynamodb").list_tables()


@app.command("bug")
def bug() -> None:
    """A bug."""
    raise ZeroDivisionError("a bug")


@app.command("domain")
def domain() -> None:
    """An error of a package ops uses, classified by the boundary."""
    from alarms.config import ThresholdsError

    raise ThresholdsError("thresholds.yaml: checks: no settings for dev")


def test_bad_input_is_exit_2_with_every_detail() -> None:
    result = runner.invoke(app, ["bad"])
    assert result.exit_code == 2
    assert "error: usage.yaml: requests.rest: must be a number" in result.stderr
    assert "- requests.ws: unknown key" in result.stderr
    assert "Traceback" not in result.output


def test_a_failed_gate_is_exit_1() -> None:
    result = runner.invoke(app, ["gate"])
    assert result.exit_code == 1
    assert "2 alarms drifted" in result.stderr


def test_aws_refusing_is_exit_3_naming_service_and_operation() -> None:
    result = runner.invoke(app, ["refused"])
    assert result.exit_code == 3
    assert "AWS refused cloudwatch DescribeAlarms: AccessDenied: not allowed" in result.stderr


def test_aws_unreachable_is_exit_3_naming_service_and_operation() -> None:
    result = runner.invoke(app, ["unreachable"])
    assert result.exit_code == 3
    assert "cannot reach AWS for dynamodb ListTables" in result.stderr


def test_a_domain_error_of_the_kit_is_bad_input() -> None:
    result = runner.invoke(app, ["domain"])
    assert result.exit_code == 2
    assert "no settings for dev" in result.stderr


def test_a_bug_is_not_swallowed() -> None:
    result = runner.invoke(app, ["bug"])
    assert isinstance(result.exception, ZeroDivisionError)


def test_a_bug_shows_its_traceback_in_a_real_process(tmp_path: Path) -> None:
    script = tmp_path / "bug.py"
    script.write_text(
        textwrap.dedent(
            """
            from ops.conventions import ops_app
            app = ops_app("t")

            @app.command("bug")
            def bug() -> None:
                raise ZeroDivisionError("a bug")

            @app.command("other")
            def other() -> None:
                pass

            app()
            """
        )
    )
    done = subprocess.run([sys.executable, str(script), "bug"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "Traceback" in done.stderr
    assert "ZeroDivisionError: a bug" in done.stderr


@pytest.mark.parametrize("exit_code", [0, 4])
def test_exits_pass_through(exit_code: int) -> None:
    import typer

    local = ops_app("t")

    @local.command("a")
    def a() -> None:
        raise typer.Exit(exit_code)

    @local.command("b")
    def b() -> None:
        pass

    assert runner.invoke(local, ["a"]).exit_code == exit_code
