"""`ops stack synth` and the CLI's error handling (no AWS involved)."""

from __future__ import annotations

import json
from pathlib import Path

from infra import STACK
from typer.testing import CliRunner

from ops.cli import app

runner = CliRunner()


def test_synth_prints_the_template_of_the_stage() -> None:
    result = runner.invoke(app, ["stack", "synth", "--stage", "prod"])
    assert result.exit_code == 0, result.output
    template = json.loads(result.stdout)
    assert template["Resources"][STACK.table.logical_name]["DeletionPolicy"] == "Retain"


def test_synth_writes_the_file(tmp_path: Path) -> None:
    # How fast is measured in tests/bench/test_cli_start_bench.py, not here: a wall-clock limit
    # in the unit tier was the suite's flaky test (the first run in a pytest worker also pays
    # for importing alarms, dashboards and the warm-up: 0.7-2 s on the loaded 2-core machine).
    out = tmp_path / "cfn" / "dev.json"
    result = runner.invoke(app, ["stack", "synth", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())["AWSTemplateFormatVersion"] == "2010-09-09"
    assert f"wrote {out}" in result.stderr


def test_an_unknown_stage_is_a_usage_error() -> None:
    result = runner.invoke(app, ["stack", "synth", "--stage", "qa"])
    assert result.exit_code == 2
    assert "known: dev, prod" in result.output


def test_deploy_refuses_a_malformed_parameter() -> None:
    result = runner.invoke(app, ["deploy", "--parameter", "novalue", "--region", "us-east-1"])
    assert result.exit_code == 2
    assert "KEY=VALUE" in result.output


def test_aws_failures_are_one_line_without_traceback(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/dev/null")
    result = runner.invoke(app, ["stack", "outputs"])
    assert result.exit_code == 2
    assert "no AWS region" in result.output
    assert "Traceback" not in result.output
