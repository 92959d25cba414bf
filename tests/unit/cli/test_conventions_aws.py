"""The client factory: profile, region, endpoint, retry mode, the twin through its info file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ops.conventions import Aws, BadInput, connect, ops_app


@pytest.fixture
def aws_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    config = tmp_path / "config"
    config.write_text("[profile eu]\nregion = eu-west-1\n")
    credentials = tmp_path / "credentials"
    credentials.write_text("[eu]\naws_access_key_id = AKIAEU\naws_secret_access_key = secret\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name, raising=False)
    return config


def test_the_info_file_gives_the_twins_endpoint_region_and_placeholder_credentials(
    tmp_path: Path, aws_config: Path
) -> None:
    info = tmp_path / "twin.json"
    info.write_text(json.dumps({"aws_endpoint_url": "http://127.0.0.1:4566", "rest_url": "http://127.0.0.1:8080"}))
    aws = connect(info_file=info)
    client = aws.client("cloudwatch")
    assert client.meta.endpoint_url == "http://127.0.0.1:4566"
    assert client.meta.region_name == "us-east-1"
    assert aws.session().get_credentials().access_key == "local"
    assert aws.info is not None
    assert aws.info["rest_url"] == "http://127.0.0.1:8080"
    # --endpoint-url still wins over the file's
    assert connect(info_file=info, endpoint_url="http://127.0.0.1:5000").endpoint_url == "http://127.0.0.1:5000"


def test_a_missing_or_broken_info_file_is_bad_input_naming_it(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match=r"none\.json.*ops local up --info-file"):
        connect(info_file=tmp_path / "none.json")
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(BadInput, match="is not JSON"):
        connect(info_file=broken)
    empty = tmp_path / "empty.json"
    empty.write_text("{}")
    with pytest.raises(BadInput, match="has no aws_endpoint_url"):
        connect(info_file=empty)


def test_a_profile_gives_credentials_and_region(aws_config: Path) -> None:
    aws = connect(profile="eu")
    client = aws.client("sts")
    assert client.meta.region_name == "eu-west-1"
    assert aws.session().get_credentials().access_key == "AKIAEU"
    # --region wins over the profile's
    assert connect(profile="eu", region="ap-south-1").client("sts").meta.region_name == "ap-south-1"
    # a profile named with a local endpoint is honoured (its credentials, not placeholders)
    local = connect(profile="eu", endpoint_url="http://127.0.0.1:4566")
    assert local.session().get_credentials().access_key == "AKIAEU"


def test_no_region_for_aws_itself_is_bad_input(aws_config: Path) -> None:
    with pytest.raises(BadInput, match="no AWS region"):
        connect().client("cloudformation")
    assert connect(endpoint_url="http://127.0.0.1:4566").client("s3").meta.region_name == "us-east-1"


def test_an_unknown_profile_is_exit_2_naming_it(aws_config: Path) -> None:
    app = ops_app("t")

    @app.command("a")
    def a() -> None:
        connect(profile="nope", region="eu-west-1").client("sts")

    @app.command("b")
    def b() -> None:
        pass

    result = CliRunner().invoke(app, ["a"])
    assert result.exit_code == 2
    assert "nope" in result.stderr
    assert "--profile" in result.stderr


def test_retries_are_bounded_in_the_mode_asked_for(aws_config: Path) -> None:
    remote = Aws(region="eu-west-1").client("cloudwatch").meta.config.retries
    assert remote == {"total_max_attempts": 5, "mode": "standard"}
    local = Aws(endpoint_url="http://127.0.0.1:1", retry_mode="adaptive").client("cloudwatch").meta.config.retries
    assert local == {"total_max_attempts": 2, "mode": "adaptive"}
