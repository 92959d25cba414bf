"""The thresholds config: stage and function overrides, and every mistake named."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from alarms.config import CHECKS, DEFAULT_PATH, ThresholdsError, load_thresholds, parse_thresholds


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    return yaml.safe_load(DEFAULT_PATH.read_text())


def test_every_check_has_settings_and_a_deliberate_missing_data_rule() -> None:
    thresholds = load_thresholds("prod")
    assert set(thresholds.checks) == set(CHECKS)
    # Counts and rates: no traffic cannot fail; latencies keep their state through silence;
    # the canary records a failed probe as 0, so its silence (a missed run) is no evidence.
    for key, check in thresholds.checks.items():
        expected = "ignore" if key.endswith(("_p90", "_latency")) else "notBreaching"
        assert check.treat_missing_data == expected, key


def test_stage_overrides_apply_to_their_stage_only() -> None:
    dev, prod = load_thresholds("dev"), load_thresholds("prod")
    assert prod.check("lambda_error_rate").critical == 2
    assert dev.check("lambda_error_rate").critical == 20
    assert dev.check("lambda_error_rate").warning is None
    # Untouched settings come from the defaults.
    assert dev.check("lambda_error_rate").period == prod.check("lambda_error_rate").period == 60


def test_function_overrides_only_touch_that_function() -> None:
    thresholds = load_thresholds("prod")
    assert thresholds.check("lambda_duration_p90", "notifier").warning is None
    assert thresholds.check("lambda_duration_p90", "chat").warning == 0.6


def test_a_stage_function_override_merges_with_the_default_one(raw: dict[str, Any]) -> None:
    document = copy.deepcopy(raw)
    document["stages"]["prod"]["functions"] = {"notifier": {"lambda_duration_p90": {"critical": 0.95}}}
    thresholds = parse_thresholds(document, "prod")
    check = thresholds.check("lambda_duration_p90", "notifier")
    assert (check.warning, check.critical) == (None, 0.95)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["checks"]["rest_latency_p90"].update(period=45), "not 10, 20, 30 or a multiple of 60"),
        (lambda d: d["checks"]["rest_latency_p90"].update(datapoints_to_alarm=9), "exceeds evaluation_periods"),
        (
            lambda d: d["checks"]["rest_latency_p90"].update(treat_missing_data="zero"),
            "treat_missing_data: unknown value 'zero'",
        ),
        (lambda d: d["checks"]["rest_latency_p90"].update(warning=9, critical=3), "above the critical one"),
        (
            lambda d: d["checks"]["rest_latency_p90"].update(critical="high"),
            "rest_latency_p90.critical: must be a number",
        ),
        (lambda d: d["checks"]["rest_latency_p90"].update(trheshold=3), "rest_latency_p90.trheshold: unknown key"),
        (
            lambda d: d["checks"]["rest_latency_p90"].update(period=3600, evaluation_periods=30, datapoints_to_alarm=2),
            "one-day",
        ),
        (lambda d: d["checks"].pop("sns_delivery_failures"), "no settings for sns_delivery_failures"),
        (lambda d: d["stages"]["prod"]["checks"].update(nope={"critical": 1}), "unknown check"),
        (lambda d: d["functions"].update(chat={"rest_5xx_rate": {"critical": 1}}), "not a per-function check"),
        (lambda d: d.update(extra=1), "extra: unknown key"),
    ],
)
def test_each_mistake_is_named(raw: dict[str, Any], change: Any, message: str) -> None:
    document = copy.deepcopy(raw)
    change(document)
    with pytest.raises(ThresholdsError, match=message):
        parse_thresholds(document, "prod")


def test_every_mistake_of_a_file_is_named_at_once(raw: dict[str, Any]) -> None:
    document = copy.deepcopy(raw)
    document["checks"]["rest_latency_p90"].update(period=45, critical="high")
    document["stages"]["prod"]["checks"]["nope"] = {"critical": 1}
    document["checks"]["lambda_error_rate"].update(datapoints_to_alarm=9)
    with pytest.raises(ThresholdsError) as raised:
        parse_thresholds(document, "prod", "thresholds.yaml")
    message = str(raised.value)
    assert message.startswith("thresholds.yaml: ")
    # Type errors come first (the file's shape); then names and windows, all in one message.
    assert "checks.rest_latency_p90.critical: must be a number" in message


def test_names_and_windows_are_named_at_once(raw: dict[str, Any]) -> None:
    document = copy.deepcopy(raw)
    document["checks"]["rest_latency_p90"].update(period=45)
    document["stages"]["prod"]["checks"]["nope"] = {"critical": 1}
    document["checks"]["lambda_error_rate"].update(datapoints_to_alarm=9)
    with pytest.raises(ThresholdsError) as raised:
        parse_thresholds(document, "prod", "thresholds.yaml")
    message = str(raised.value)
    assert "stages.prod.checks.nope: unknown check" in message
    assert "checks.rest_latency_p90.period: 45 s is not 10, 20, 30 or a multiple of 60" in message
    assert "checks.lambda_error_rate: datapoints_to_alarm (9) exceeds evaluation_periods" in message


def test_a_broken_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "thresholds.yaml"
    path.write_text("checks: [unclosed")
    with pytest.raises(ThresholdsError, match="not valid YAML"):
        load_thresholds("prod", path)
    with pytest.raises(ThresholdsError, match="cannot read"):
        load_thresholds("prod", tmp_path / "missing.yaml")
