"""`ops cost estimate`: each output format, and bad input as a message with no result."""

from __future__ import annotations

import csv
import io
import json

import pytest

from ops.cost.cli import app

MOBILE = {"lambda": [{"name": "chat", "requests": 3_000_000, "duration_ms": 120, "memory_mb": 1536}]}


def run(runner, *args):
    return runner.invoke(app, list(args))


def test_json_has_the_documented_fields(runner, usage_file):
    result = run(runner, "estimate", "--usage", str(usage_file(MOBILE)), "--format", "json")

    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["currency"] == "USD"
    assert document["total"] == 2.73
    assert document["free_tier"] == "always"
    assert document["price_sheet"]["region"] == "us-east-1"
    assert document["price_sheet"]["effective_date"] == "2026-11-25"
    assert document["services"]["lambda"]["cost"] == 2.73
    requests = document["services"]["lambda"]["lines"][0]
    assert {key: requests[key] for key in ("item", "quantity", "unit", "cost")} == {
        "item": "requests",
        "quantity": 3_000_000,
        "unit": "requests",
        "cost": 0.4,
    }
    assert set(document["services"]) == {
        "lambda", "apigateway", "dynamodb", "s3", "cognito", "cloudwatch", "xray", "scheduler", "sns", "waf", "kms",
        "data_transfer_out_gb",
    }  # fmt: skip


def test_table_is_the_default(runner, usage_file):
    result = run(runner, "estimate", "--usage", str(usage_file(MOBILE)))

    assert result.exit_code == 0
    assert "$2.73" in result.stdout
    assert "duration x86_64" in result.stdout


def test_free_tier_option(runner, usage_file):
    # without the free tier: 540,000 x 0.0000166667 = 9.000018 -> 9.00 ; 3M x 0.2/M = 0.60 -> 9.60
    result = run(runner, "estimate", "--usage", str(usage_file(MOBILE)), "--free-tier", "none", "-f", "json")

    assert json.loads(result.stdout)["total"] == 9.60


def test_csv_rows(runner, usage_file):
    result = run(runner, "estimate", "--usage", str(usage_file(MOBILE)), "--format", "csv")

    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["service"], r["item"], r["quantity"], r["cost"]) for r in rows] == [
        ("lambda", "requests", "3000000", "0.40"),
        ("lambda", "duration x86_64", "540000", "2.33"),
    ]


def test_markdown_table(runner, usage_file):
    result = run(runner, "estimate", "--usage", str(usage_file(MOBILE)), "--format", "markdown")

    assert "| lambda | duration x86_64 | 540,000 | GB-seconds | 400,000 | $2.33 |" in result.stdout
    assert "| **total** | | | | | **$2.73** |" in result.stdout


def test_html_is_self_contained_with_a_chart(runner, usage_file, tmp_path):
    out = tmp_path / "cost.html"
    result = run(runner, "estimate", "--usage", str(usage_file(MOBILE)), "--format", "html", "--output", str(out))

    assert result.exit_code == 0
    assert result.stdout == ""
    page = out.read_text()
    assert page.startswith("<!DOCTYPE html>")
    assert "<svg" in page and "<rect" in page
    assert "<script" not in page and "src=" not in page and "<link" not in page


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ({"lambda": [{"memory_mb": "big"}]}, "lambda[0].memory_mb: must be a number"),
        ({"dynamodb": {"storage_gb": -1}}, "dynamodb.storage_gb: must not be negative"),
        ({"cognito": {"plan": "premium"}}, "cognito.plan: unknown value 'premium'"),
        ({"lambda": [{"architecture": "riscv"}]}, "lambda[0].architecture: unknown value 'riscv'"),
        ({"sqs": {"requests": 1}}, "sqs: unknown key"),
        ("lambda: [", "not valid YAML"),
    ],
)
def test_bad_usage_exits_2_with_the_key_named_and_prints_no_result(runner, usage_file, content, message):
    result = run(runner, "estimate", "--usage", str(usage_file(content)), "--format", "json")

    assert result.exit_code == 2
    assert result.stdout == ""
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_usage_file(runner, tmp_path):
    result = run(runner, "estimate", "--usage", str(tmp_path / "none.yaml"))

    assert result.exit_code == 2
    assert result.stdout == ""
    assert "cannot read it" in result.stderr


def test_unknown_free_tier_mode_is_a_usage_error(runner, usage_file):
    result = run(runner, "estimate", "--usage", str(usage_file(MOBILE)), "--free-tier", "forever")

    assert result.exit_code == 2
    assert result.stdout == ""
    assert "--free-tier" in result.stderr


def test_a_broken_price_sheet_is_reported(runner, usage_file, tmp_path):
    sheet = tmp_path / "prices.yaml"
    sheet.write_text("version: 1\nregion: us-east-1\n")

    result = run(runner, "estimate", "--usage", str(usage_file(MOBILE)), "--prices", str(sheet))

    assert result.exit_code == 2
    assert "currency: missing" in result.stderr
