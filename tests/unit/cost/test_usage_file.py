"""The usage file: every key optional, and every bad input named precisely."""

from __future__ import annotations

import pytest

from kit.usage import load_usage, parse_usage
from ops.cost.errors import UsageFileError


def test_an_empty_file_is_a_month_of_nothing(usage_file):
    usage = load_usage(usage_file(""))

    assert usage.lambda_ == []
    assert usage.apigateway.rest_requests == 0
    assert usage.cognito.plan == "essentials"


def test_absent_keys_are_zero():
    usage = parse_usage({"lambda": [{"name": "chat"}], "dynamodb": {"storage_gb": 3}})

    assert usage.lambda_[0].requests == 0
    assert usage.lambda_[0].architecture == "x86_64"
    assert usage.dynamodb.read_request_units == 0


@pytest.mark.parametrize(
    ("usage", "message"),
    [
        ({"lamdba": []}, "lamdba: unknown key"),
        ({"lambda": [{"name": "chat", "memroy_mb": 128}]}, "lambda[0].memroy_mb: unknown key"),
        ({"dynamodb": {"write_request_units": -5}}, "dynamodb.write_request_units: must not be negative"),
        ({"s3": {"storage_gb": "lots"}}, "s3.storage_gb: must be a number (got 'lots')"),
        ({"s3": {"storage_gb": "12"}}, "s3.storage_gb: must be a number (got '12')"),
        ({"sns": {"publishes": True}}, "sns.publishes: must be a number"),
        ({"cognito": {"plan": "gold"}}, "cognito.plan: unknown value 'gold'"),
        ({"lambda": [{"architecture": "sparc"}]}, "lambda[0].architecture: unknown value 'sparc'"),
        ({"lambda": [{"memory_mb": 64}]}, "lambda[0].memory_mb: must be between 128 and 10240 MB"),
        ({"lambda": [{"ephemeral_storage_mb": 20000}]}, "lambda[0].ephemeral_storage_mb: must be between 512"),
        ({"lambda": [{"provisioned": {"concurrency": -1}}]}, "lambda[0].provisioned.concurrency: must not be negative"),
        ({"lambda": {"name": "chat"}}, "lambda: must be a list"),
        ({"apigateway": 5}, "apigateway: must be a mapping"),
        ({"data_transfer_out_gb": float("nan")}, "data_transfer_out_gb: must be a number"),
        ({"xray": {"traces_recorded": float("inf")}}, "xray.traces_recorded: must be a number"),
    ],
)
def test_bad_input_names_the_key(usage, message):
    with pytest.raises(UsageFileError) as caught:
        parse_usage(usage, "u.yaml")

    assert message in str(caught.value)
    assert str(caught.value).startswith("usage file u.yaml: ")


def test_every_problem_is_reported_at_once():
    with pytest.raises(UsageFileError) as caught:
        parse_usage({"s3": {"storage_gb": -1, "put_requests": "x"}})

    assert "s3.storage_gb" in str(caught.value)
    assert "s3.put_requests" in str(caught.value)


def test_top_level_must_be_a_mapping(usage_file):
    with pytest.raises(UsageFileError, match="top level must be a mapping"):
        load_usage(usage_file("- 1\n- 2\n"))


def test_invalid_yaml(usage_file):
    with pytest.raises(UsageFileError, match="not valid YAML"):
        load_usage(usage_file("lambda: [\n"))


def test_missing_file(tmp_path):
    with pytest.raises(UsageFileError, match="cannot read it"):
        load_usage(tmp_path / "nope.yaml")
