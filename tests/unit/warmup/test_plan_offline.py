"""`ops warmup plan` without an AWS account: the policy's cost and break-even need no AWS, so
they are printed, with a note saying what the change list needs, and the command exits 0.
Where the user names an AWS (--region, --profile, --endpoint-url, --info-file) and it cannot
be used, that stays an error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ops.cli import app

AWS_VARIABLES = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
)
POLICY = """
functions:
  chat:
    method: provisioned
    concurrency: 2
    windows: [always]
"""


@pytest.fixture
def no_account(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No credentials, no region, no config files, no instance metadata to ask."""
    for name in AWS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    policy = tmp_path / "warmup.yaml"
    policy.write_text(POLICY)
    return policy


def test_plan_prints_the_cost_and_exits_0_without_an_account(no_account: Path) -> None:
    result = CliRunner().invoke(app, ["warmup", "plan", "--policy", str(no_account)])
    assert result.exit_code == 0, result.output
    assert "no change list: no AWS region is configured" in result.stderr
    assert "--info-file" in result.stderr and "--endpoint-url" in result.stderr
    assert "chat" in result.stdout and "total: $" in result.stdout
    assert "break-even" in result.stdout


def test_json_says_there_is_no_change_list_and_gives_the_costs(no_account: Path) -> None:
    result = CliRunner().invoke(app, ["warmup", "plan", "--policy", str(no_account), "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["changes"] is None
    assert "--info-file" in document["changes_note"]
    (chat,) = document["costs"]
    assert (chat["function"], chat["method"], chat["concurrency"]) == ("chat", "provisioned", 2)
    assert float(chat["monthly_cost"]) == pytest.approx(float(chat["provisioned_cost"])) and chat["monthly_cost"] > 0
    assert chat["snapstart_break_even_restores"] >= 0


def test_a_region_without_credentials_names_credentials(no_account: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    result = CliRunner().invoke(app, ["warmup", "plan", "--policy", str(no_account)])
    assert result.exit_code == 0, result.output
    assert "no AWS credentials are configured" in result.stderr


def test_an_aws_the_user_named_that_cannot_be_used_is_still_an_error(no_account: Path) -> None:
    result = CliRunner().invoke(app, ["warmup", "plan", "--policy", str(no_account), "--region", "eu-west-1"])
    assert result.exit_code == 3, result.output
    assert "no AWS credentials" in result.stderr


def test_an_invalid_policy_is_exit_2_offline_too(no_account: Path) -> None:
    no_account.write_text("functions:\n  nosuch: {method: ping, concurrency: 1, windows: [always]}\n")
    result = CliRunner().invoke(app, ["warmup", "plan", "--policy", str(no_account)])
    assert result.exit_code == 2, result.output
    assert "nosuch" in result.stderr
