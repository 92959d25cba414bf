"""The thresholds config (``thresholds.yaml``): loaded, merged for one stage, and checked.

``load_thresholds("prod")`` merges the defaults with the stage's overrides; ``Thresholds.check``
adds a function's own overrides. Every mistake (unknown check or key, impossible window, bad
missing-data treatment) is a ``ThresholdsError`` naming where it is.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, Literal, cast

import yaml

from alarms.runbooks import RunbookUrlError, default_runbook_url

DEFAULT_PATH = Path(__file__).with_name("thresholds.yaml")

MissingData = Literal["breaching", "notBreaching", "ignore", "missing"]
MISSING_DATA: tuple[MissingData, ...] = ("breaching", "notBreaching", "ignore", "missing")
# CloudWatch evaluates at most one day of periods for an alarm.
MAX_EVALUATION_SECONDS = 86400

CHECKS = (
    "lambda_error_rate",
    "lambda_throttle_rate",
    "lambda_duration_p90",
    "lambda_concurrency",
    "lambda_cold_start_rate",
    "lambda_error_count",
    "lambda_account_concurrency",
    "rest_5xx_rate",
    "rest_5xx_count",
    "rest_4xx_rate",
    "rest_latency_p90",
    "websocket_client_error_rate",
    "websocket_execution_errors",
    "websocket_integration_latency_p90",
    "websocket_connects_refused_rate",
    "dynamodb_throttles",
    "dynamodb_system_errors",
    "dynamodb_user_errors",
    "dynamodb_latency",
    "s3_5xx_errors",
    "cloudfront_5xx_error_rate",
    "cloudfront_4xx_error_rate",
    "cognito_throttles",
    "sns_delivery_failures",
    "fanout_failure_rate",
    "fanout_latency_p90",
    "dependency_errors",
    "dependency_throttles",
    "auth_keys_unavailable",
    "rate_limited",
    "canary_failed",
)
# Checks that apply per function (and so take ``functions:`` overrides).
FUNCTION_CHECKS = (
    "lambda_error_rate",
    "lambda_throttle_rate",
    "lambda_duration_p90",
    "lambda_concurrency",
    "lambda_cold_start_rate",
    "lambda_error_count",
    "fanout_failure_rate",
    "fanout_latency_p90",
    "dependency_errors",
    "dependency_throttles",
    "auth_keys_unavailable",
    "rate_limited",
    "websocket_connects_refused_rate",
    "canary_failed",
)


class ThresholdsError(ValueError):
    """The thresholds config is wrong; the message says where and why."""


@dataclass(frozen=True)
class Check:
    """One check's levels and evaluation window."""

    key: str
    warning: float | None
    critical: float | None
    period: int
    evaluation_periods: int
    datapoints_to_alarm: int
    treat_missing_data: MissingData
    min_samples: float = 0.0
    # Count checks only: the traffic a period may have for the count to apply (0: always).
    # Above it the matching rate check decides, so a busy function is not paged for a handful
    # of errors among thousands; below it the rate check reads 0 (its ``min_samples``).
    max_samples: float = 0.0

    def levels(self) -> list[tuple[str, float]]:
        """``(severity, threshold)`` of each enabled level, warning first."""
        out: list[tuple[str, float]] = []
        if self.warning is not None:
            out.append(("warning", self.warning))
        if self.critical is not None:
            out.append(("critical", self.critical))
        return out


@dataclass(frozen=True)
class Thresholds:
    """The merged config of one stage."""

    stage: str
    runbook_url: str
    account_concurrency_limit: int
    checks: Mapping[str, Check]
    function_overrides: Mapping[str, Mapping[str, Mapping[str, Any]]]

    def check(self, key: str, function: str | None = None) -> Check:
        """Check ``key``, with ``function``'s overrides applied when it has any."""
        try:
            base = self.checks[key]
        except KeyError:
            raise ThresholdsError(f"no check {key!r} in the thresholds config") from None
        override = self.function_overrides.get(function or "", {}).get(key)
        if not override:
            return base
        return _check(key, {**_as_mapping(base), **override}, f"functions.{function}.{key}")

    def runbook_link(self, anchor: str) -> str:
        """The runbook URL of a section."""
        return f"{self.runbook_url}#{anchor}"


_CHECK_KEYS = {f.name for f in fields(Check)} - {"key"}


def _as_mapping(check: Check) -> dict[str, Any]:
    return {name: getattr(check, name) for name in _CHECK_KEYS}


def _number(value: Any, where: str, *, allow_none: bool = False) -> float | None:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ThresholdsError(f"{where}: expected a number, got {value!r}")
    return float(value)


def _integer(value: Any, where: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ThresholdsError(f"{where}: expected a whole number >= {minimum}, got {value!r}")
    return value


def valid_period(period: int) -> bool:
    """CloudWatch's rule for alarm periods: 10, 20 or 30 s (high resolution) or a multiple of 60."""
    return period in (10, 20, 30) or (period >= 60 and period % 60 == 0)


def _check(key: str, raw: Mapping[str, Any], where: str) -> Check:
    unknown = sorted(set(raw) - _CHECK_KEYS)
    if unknown:
        raise ThresholdsError(
            f"{where}: unknown setting(s) {', '.join(unknown)} (known: {', '.join(sorted(_CHECK_KEYS))})"
        )
    missing = sorted({"period", "evaluation_periods", "datapoints_to_alarm", "treat_missing_data"} - set(raw))
    if missing:
        raise ThresholdsError(f"{where}: missing {', '.join(missing)}")
    period = _integer(raw["period"], f"{where}.period", 10)
    if not valid_period(period):
        raise ThresholdsError(f"{where}.period: {period} s is not 10, 20, 30 or a multiple of 60")
    evaluation = _integer(raw["evaluation_periods"], f"{where}.evaluation_periods", 1)
    datapoints = _integer(raw["datapoints_to_alarm"], f"{where}.datapoints_to_alarm", 1)
    if datapoints > evaluation:
        raise ThresholdsError(f"{where}: datapoints_to_alarm ({datapoints}) exceeds evaluation_periods ({evaluation})")
    if period * evaluation > MAX_EVALUATION_SECONDS:
        raise ThresholdsError(
            f"{where}: {evaluation} periods of {period} s exceed CloudWatch's one-day evaluation range"
        )
    missing_data = raw["treat_missing_data"]
    if missing_data not in MISSING_DATA:
        raise ThresholdsError(f"{where}.treat_missing_data: {missing_data!r} is not one of {', '.join(MISSING_DATA)}")
    warning = _number(raw.get("warning"), f"{where}.warning", allow_none=True)
    critical = _number(raw.get("critical"), f"{where}.critical", allow_none=True)
    if warning is not None and critical is not None and warning > critical:
        raise ThresholdsError(f"{where}: the warning level ({warning:g}) is above the critical one ({critical:g})")
    min_samples = _number(raw.get("min_samples", 0.0), f"{where}.min_samples")
    max_samples = _number(raw.get("max_samples", 0.0), f"{where}.max_samples")
    assert min_samples is not None
    assert max_samples is not None
    if min_samples < 0:
        raise ThresholdsError(f"{where}.min_samples: must not be negative")
    if max_samples < 0:
        raise ThresholdsError(f"{where}.max_samples: must not be negative")
    return Check(
        key=key,
        warning=warning,
        critical=critical,
        period=period,
        evaluation_periods=evaluation,
        datapoints_to_alarm=datapoints,
        treat_missing_data=cast(MissingData, missing_data),
        min_samples=min_samples,
        max_samples=max_samples,
    )


def _mapping(value: Any, where: str) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ThresholdsError(f"{where}: expected a mapping, got {type(value).__name__}")
    return value


def _merge_checks(base: Mapping[str, Any], override: Mapping[str, Any], where: str) -> dict[str, dict[str, Any]]:
    merged = {key: dict(_mapping(value, f"checks.{key}")) for key, value in base.items()}
    for key, value in override.items():
        if key not in CHECKS:
            raise ThresholdsError(f"{where}.{key}: unknown check (known: {', '.join(CHECKS)})")
        merged.setdefault(key, {}).update(_mapping(value, f"{where}.{key}"))
    return merged


def _function_overrides(raw: Mapping[str, Any], where: str) -> dict[str, dict[str, dict[str, Any]]]:
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for function, checks in raw.items():
        for key, value in _mapping(checks, f"{where}.{function}").items():
            if key not in FUNCTION_CHECKS:
                raise ThresholdsError(
                    f"{where}.{function}.{key}: not a per-function check (known: {', '.join(FUNCTION_CHECKS)})"
                )
            out.setdefault(str(function), {})[key] = dict(_mapping(value, f"{where}.{function}.{key}"))
    return out


def _default_runbook_url() -> str:
    try:
        return default_runbook_url()
    except RunbookUrlError as error:
        raise ThresholdsError(str(error)) from None


def parse_thresholds(raw: Any, stage: str) -> Thresholds:
    """The thresholds of ``stage`` from the parsed YAML document ``raw``."""
    document = _mapping(raw, "thresholds config")
    known = {"runbook_url", "account_concurrency_limit", "checks", "functions", "stages"}
    unknown = sorted(set(document) - known)
    if unknown:
        raise ThresholdsError(f"unknown top-level key(s) {', '.join(unknown)} (known: {', '.join(sorted(known))})")
    stages = _mapping(document.get("stages"), "stages")
    stage_raw = _mapping(stages.get(stage), f"stages.{stage}")
    stage_unknown = sorted(set(stage_raw) - {"checks", "functions"})
    if stage_unknown:
        raise ThresholdsError(f"stages.{stage}: unknown key(s) {', '.join(stage_unknown)} (known: checks, functions)")
    base = _merge_checks({}, _mapping(document.get("checks"), "checks"), "checks")
    merged = _merge_checks(base, _mapping(stage_raw.get("checks"), f"stages.{stage}.checks"), f"stages.{stage}.checks")
    absent = [c for c in CHECKS if c not in merged]
    if absent:
        raise ThresholdsError(f"checks: no settings for {', '.join(absent)}")
    checks = {key: _check(key, merged[key], f"checks.{key}") for key in CHECKS}
    functions = _function_overrides(_mapping(document.get("functions"), "functions"), "functions")
    for function, overrides in _function_overrides(
        _mapping(stage_raw.get("functions"), f"stages.{stage}.functions"), f"stages.{stage}.functions"
    ).items():
        for key, value in overrides.items():
            functions.setdefault(function, {}).setdefault(key, {}).update(value)
    thresholds = Thresholds(
        stage=stage,
        runbook_url=str(document.get("runbook_url") or _default_runbook_url()),
        account_concurrency_limit=_integer(
            document.get("account_concurrency_limit", 1000), "account_concurrency_limit", 1
        ),
        checks=checks,
        function_overrides=functions,
    )
    for function, overrides in functions.items():
        for key in overrides:
            thresholds.check(key, function)  # validates the merged result
    return thresholds


def load_thresholds(stage: str, path: Path | None = None) -> Thresholds:
    """The thresholds of ``stage`` from ``path`` (the packaged ``thresholds.yaml`` by default)."""
    source = path or DEFAULT_PATH
    try:
        raw = yaml.safe_load(source.read_text())
    except OSError as error:
        raise ThresholdsError(f"cannot read {source}: {error.strerror or error}") from None
    except yaml.YAMLError as error:
        raise ThresholdsError(f"{source} is not valid YAML: {error}") from None
    try:
        return parse_thresholds(raw, stage)
    except ThresholdsError as error:
        raise ThresholdsError(f"{source.name}: {error}") from None


def with_check(thresholds: Thresholds, key: str, **changes: Any) -> Thresholds:
    """A copy of ``thresholds`` with check ``key`` changed (tests and what-if backtests)."""
    checks = dict(thresholds.checks)
    checks[key] = replace(checks[key], **changes)
    return replace(thresholds, checks=checks)
