"""The thresholds config (``thresholds.yaml``): loaded, merged for one stage, and checked.

``load_thresholds("prod")`` merges the defaults with the stage's overrides; ``Thresholds.check``
adds a function's own overrides. Every mistake (unknown check or key, impossible window, bad
missing-data treatment) is a ``ThresholdsError`` naming where it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, Strict

from alarms.runbooks import RunbookUrlError, default_runbook_url
from kit.yaml_files import read_yaml, report, validate

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


_REQUIRED = ("period", "evaluation_periods", "datapoints_to_alarm", "treat_missing_data")

# What thresholds.yaml may hold, as written: every setting optional, because stages and
# functions override single settings of the defaults. Types, ranges and unknown keys are
# checked here; what needs the merged settings (a whole window, levels in order) in ``_check``.
Number = Annotated[float, Strict(), Field(allow_inf_nan=False)]
Count = Annotated[float, Strict(), Field(ge=0, allow_inf_nan=False)]
Whole = Annotated[int, Strict(), Field(ge=1)]


def _empty_is_none(value: Any) -> Any:
    # `checks:` with nothing under it is YAML null: an empty mapping to its author.
    return {} if value is None else value


class _Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CheckSettings(_Settings):
    """One check's settings as the file writes them (a default, or a stage's or function's
    override of some of them). ``null`` for a level switches it off."""

    warning: Number | None = None
    critical: Number | None = None
    period: Whole | None = None
    evaluation_periods: Whole | None = None
    datapoints_to_alarm: Whole | None = None
    treat_missing_data: MissingData | None = None
    min_samples: Count | None = None
    max_samples: Count | None = None


CheckMap = Annotated[dict[str, CheckSettings], BeforeValidator(_empty_is_none)]
FunctionMap = Annotated[
    dict[str, Annotated[dict[str, CheckSettings], BeforeValidator(_empty_is_none)]], BeforeValidator(_empty_is_none)
]


class StageSettings(_Settings):
    """A stage's overrides."""

    checks: CheckMap = {}
    functions: FunctionMap = {}


StageMap = Annotated[
    dict[str, Annotated[StageSettings, BeforeValidator(_empty_is_none)]], BeforeValidator(_empty_is_none)
]


class ThresholdsFile(StageSettings):
    """The whole of ``thresholds.yaml``."""

    runbook_url: Annotated[str, Strict()] | None = None
    account_concurrency_limit: Whole = 1000
    stages: Annotated[
        dict[str, Annotated[StageSettings, BeforeValidator(_empty_is_none)]], BeforeValidator(_empty_is_none)
    ] = {}


def _written(settings: CheckSettings) -> dict[str, Any]:
    # Only what the file says: an absent setting inherits, an explicit null switches off.
    return settings.model_dump(exclude_unset=True)


def _as_mapping(check: Check) -> dict[str, Any]:
    return {name: getattr(check, name) for name in CheckSettings.model_fields}


def valid_period(period: int) -> bool:
    """CloudWatch's rule for alarm periods: 10, 20 or 30 s (high resolution) or a multiple of 60."""
    return period in (10, 20, 30) or (period >= 60 and period % 60 == 0)


def _window_problems(raw: Mapping[str, Any], where: str) -> list[str]:
    """What is wrong with a merged check's settings taken together."""
    missing = [name for name in _REQUIRED if raw.get(name) is None]
    if missing:
        return [f"{where}: missing {', '.join(missing)}"]
    found: list[str] = []
    period, evaluation, datapoints = raw["period"], raw["evaluation_periods"], raw["datapoints_to_alarm"]
    if not valid_period(period):
        found.append(f"{where}.period: {period} s is not 10, 20, 30 or a multiple of 60")
    if datapoints > evaluation:
        found.append(f"{where}: datapoints_to_alarm ({datapoints}) exceeds evaluation_periods ({evaluation})")
    if period * evaluation > MAX_EVALUATION_SECONDS:
        found.append(f"{where}: {evaluation} periods of {period} s exceed CloudWatch's one-day evaluation range")
    warning, critical = raw.get("warning"), raw.get("critical")
    if warning is not None and critical is not None and warning > critical:
        found.append(f"{where}: the warning level ({warning:g}) is above the critical one ({critical:g})")
    return found


def _check(key: str, raw: Mapping[str, Any], where: str) -> Check:
    problems = _window_problems(raw, where)
    if problems:
        raise ThresholdsError("; ".join(problems))
    return Check(
        key=key,
        warning=raw.get("warning"),
        critical=raw.get("critical"),
        period=raw["period"],
        evaluation_periods=raw["evaluation_periods"],
        datapoints_to_alarm=raw["datapoints_to_alarm"],
        treat_missing_data=raw["treat_missing_data"],
        min_samples=raw.get("min_samples") or 0.0,
        max_samples=raw.get("max_samples") or 0.0,
    )


def _name_problems(document: ThresholdsFile) -> list[str]:
    """Checks and per-function checks that do not exist, anywhere in the file."""
    found: list[str] = []
    scopes = [("", document)] + [(f"stages.{name}.", stage) for name, stage in document.stages.items()]
    for prefix, scope in scopes:
        found += [
            f"{prefix}checks.{key}: unknown check (known: {', '.join(CHECKS)})"
            for key in scope.checks
            if key not in CHECKS
        ]
        found += [
            f"{prefix}functions.{function}.{key}: not a per-function check (known: {', '.join(FUNCTION_CHECKS)})"
            for function, checks in scope.functions.items()
            for key in checks
            if key not in FUNCTION_CHECKS
        ]
    return found


def _default_runbook_url() -> str:
    try:
        return default_runbook_url()
    except RunbookUrlError as error:
        raise ThresholdsError(str(error)) from None


def parse_thresholds(raw: Any, stage: str, source: str = "thresholds config") -> Thresholds:
    """The thresholds of ``stage`` from the parsed YAML document ``raw``. Every problem of the
    file is reported at once (``ThresholdsError``), each with its key path."""
    if not isinstance(raw, Mapping):
        raise ThresholdsError(f"{source}: the top level must be a mapping (checks, stages, functions, ...)")
    document = validate(ThresholdsFile, raw, source, ThresholdsError)
    problems = _name_problems(document)
    overrides = document.stages.get(stage, StageSettings())
    merged: dict[str, dict[str, Any]] = {}
    for key in CHECKS:
        written = [_written(scope.checks[key]) for scope in (document, overrides) if key in scope.checks]
        if written:
            merged[key] = {name: value for part in written for name, value in part.items()}
    absent = [key for key in CHECKS if key not in merged]
    if absent:
        problems.append(f"checks: no settings for {', '.join(absent)}")
    for key, values in merged.items():
        problems += _window_problems(values, f"checks.{key}")
    functions: dict[str, dict[str, dict[str, Any]]] = {}
    for scope in (document, overrides):
        for function, checks in scope.functions.items():
            for key, part in checks.items():
                if key in FUNCTION_CHECKS:
                    functions.setdefault(function, {}).setdefault(key, {}).update(_written(part))
    for function, changes in functions.items():
        for key, change in changes.items():
            if key in merged:
                problems += _window_problems({**merged[key], **change}, f"functions.{function}.{key}")
    if problems:
        raise ThresholdsError(report(source, problems))
    return Thresholds(
        stage=stage,
        runbook_url=document.runbook_url or _default_runbook_url(),
        account_concurrency_limit=document.account_concurrency_limit,
        checks={key: _check(key, merged[key], f"checks.{key}") for key in CHECKS},
        function_overrides=functions,
    )


def load_thresholds(stage: str, path: Path | None = None) -> Thresholds:
    """The thresholds of ``stage`` from ``path`` (the packaged ``thresholds.yaml`` by default)."""
    source = path or DEFAULT_PATH
    return parse_thresholds(read_yaml(source, ThresholdsError, "thresholds config"), stage, source.name)


def with_check(thresholds: Thresholds, key: str, **changes: Any) -> Thresholds:
    """A copy of ``thresholds`` with check ``key`` changed (tests and what-if backtests)."""
    checks = dict(thresholds.checks)
    checks[key] = replace(checks[key], **changes)
    return replace(thresholds, checks=checks)
