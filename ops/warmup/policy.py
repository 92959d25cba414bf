"""The warm-up policy (``warmup.yaml``): load, validate against the stack model.

Every problem is reported at once, each naming where it is (``functions.chat.windows[0].timezone``);
a policy with any problem is never applied.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from infra.model import Stack
from infra.template.functions import snapstart_problems

from ops.warmup.cron import Cron, CronError, parse

Method = Literal["ping", "provisioned", "snapstart"]
METHODS = ("ping", "provisioned", "snapstart")
DEFAULT_PATH = Path("warmup.yaml")
# Pings keep N environments warm with N overlapping invocations; past this many, provisioned
# concurrency is the honest tool (and usually the cheaper one, see the break-even in `plan`).
MAX_PING_CONCURRENCY = 20
# A function without reserved concurrency is bounded by the account's regional limit.
ACCOUNT_CONCURRENCY = 1000
_REFERENCE_START = date(2027, 1, 4)  # a Monday; four weeks from here decide window overlaps
_REFERENCE_DAYS = 28


class PolicyError(ValueError):
    """The policy is invalid; ``problems`` lists each one with its location."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Window:
    """When a function is kept warm: always, or every minute ``cron`` matches in ``timezone``."""

    cron: Cron | None
    timezone: str = "UTC"

    @property
    def always(self) -> bool:
        return self.cron is None

    def describe(self) -> str:
        """A short human description."""
        return "always" if self.cron is None else f"{self.cron.text} {self.timezone}"

    def utc_hours(self) -> set[datetime]:
        """The UTC hours the window covers over a four-week reference period."""
        if self.cron is None:
            start = datetime(
                _REFERENCE_START.year, _REFERENCE_START.month, _REFERENCE_START.day, tzinfo=ZoneInfo("UTC")
            )
            return {start + timedelta(hours=h) for h in range(_REFERENCE_DAYS * 24)}
        zone = ZoneInfo(self.timezone)
        out: set[datetime] = set()
        for offset in range(_REFERENCE_DAYS):
            day = _REFERENCE_START + timedelta(days=offset)
            dow = (day.isoweekday() % 7) + 1  # EventBridge: 1 = Sunday
            if self.cron.days_of_week is not None and dow not in self.cron.days_of_week:
                continue
            if self.cron.days_of_month is not None and day.day not in self.cron.days_of_month:
                continue
            for hour in self.cron.hours:
                local = datetime(day.year, day.month, day.day, hour, tzinfo=zone)
                out.add(local.astimezone(ZoneInfo("UTC")))
        return out


@dataclass(frozen=True)
class FunctionPolicy:
    """How one function is kept warm."""

    function: str
    method: Method
    concurrency: int
    windows: tuple[Window, ...]
    interval_minutes: int = 5


@dataclass(frozen=True)
class Policy:
    """The whole policy, validated."""

    functions: tuple[FunctionPolicy, ...]
    source: str = ""

    def for_function(self, name: str) -> FunctionPolicy | None:
        """The policy of one function, if it has one."""
        return next((f for f in self.functions if f.function == name), None)


def _window(raw: Any, where: str, method: Method, problems: list[str]) -> Window | None:
    if raw == "always":
        return Window(cron=None)
    if not isinstance(raw, dict):
        problems.append(f"{where}: a window is 'always' or {{cron: ..., timezone: ...}}")
        return None
    unknown = set(raw) - {"cron", "timezone"}
    if unknown:
        problems.append(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    timezone = raw.get("timezone", "UTC")
    try:
        ZoneInfo(str(timezone))
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(f"{where}.timezone: {timezone!r} is not an IANA time zone (e.g. Europe/Berlin)")
        return None
    text = raw.get("cron")
    if not isinstance(text, str):
        problems.append(f'{where}.cron: required, e.g. "cron(* 8-19 ? * MON-FRI *)"')
        return None
    try:
        cron = parse(text)
    except CronError as error:
        problems.append(f"{where}.cron: {error}")
        return None
    if cron.fields[0] != "*":
        problems.append(f"{where}.cron: a window is made of whole hours, so its minutes field must be '*'")
        return None
    return Window(cron=cron, timezone=str(timezone))


def _function(name: str, raw: Any, stack: Stack, problems: list[str]) -> FunctionPolicy | None:
    where = f"functions.{name}"
    known = {f.name: f for f in stack.functions}
    if name not in known:
        problems.append(f"{where}: no function {name!r} in the stack (known: {', '.join(known)})")
        return None
    if not isinstance(raw, dict):
        problems.append(f"{where}: expected method, concurrency and windows")
        return None
    unknown = set(raw) - {"method", "concurrency", "windows", "interval_minutes"}
    if unknown:
        problems.append(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    method = raw.get("method")
    if method not in METHODS:
        problems.append(f"{where}.method: {method!r} must be 'ping', 'provisioned' or 'snapstart'")
        return None
    if method == "snapstart":
        return _snapstart(name, raw, known[name], where, problems)
    concurrency = raw.get("concurrency", 1)
    limit = known[name].reserved_concurrency or ACCOUNT_CONCURRENCY
    if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
        problems.append(f"{where}.concurrency: {concurrency!r} must be a whole number of at least 1")
        return None
    if concurrency > limit:
        problems.append(f"{where}.concurrency: {concurrency} is above the function's limit of {limit}")
    if method == "ping" and concurrency > MAX_PING_CONCURRENCY:
        problems.append(
            f"{where}.concurrency: pings keep at most {MAX_PING_CONCURRENCY} environments warm; use method: provisioned"
        )
    interval = raw.get("interval_minutes", 5)
    if isinstance(interval, bool) or not isinstance(interval, int) or not 1 <= interval <= 14:
        problems.append(
            f"{where}.interval_minutes: {interval!r} must be 1-14 (Lambda recycles idle "
            "environments after a few minutes)"
        )
    windows_raw = raw.get("windows")
    if not isinstance(windows_raw, list) or not windows_raw:
        problems.append(f"{where}.windows: give at least one window ('always' or cron + timezone)")
        return None
    windows = [_window(w, f"{where}.windows[{i}]", method, problems) for i, w in enumerate(windows_raw)]
    valid = [w for w in windows if w is not None]
    for i, first in enumerate(valid):
        for j in range(i + 1, len(valid)):
            if first.utc_hours() & valid[j].utc_hours():
                problems.append(f"{where}.windows: {first.describe()!r} and {valid[j].describe()!r} overlap")
    if len(valid) != len(windows):
        return None
    return FunctionPolicy(name, method, concurrency, tuple(valid), interval)


def _snapstart(name: str, raw: dict[str, Any], function: Any, where: str, problems: list[str]) -> FunctionPolicy | None:
    """SnapStart is on for every published version, all the time: no windows, no count. What
    Lambda refuses is refused here (runtime before 3.12, ephemeral storage over 512 MB;
    provisioned concurrency on the same function is another method, so one entry cannot ask
    for both)."""
    before = len(problems)
    for problem in snapstart_problems(function):
        problems.append(f"{where}.method: {problem}")
    if raw.get("concurrency", 1) != 1 or "interval_minutes" in raw:
        problems.append(
            f"{where}: snapstart takes no concurrency or interval_minutes (every new environment "
            "is restored from the snapshot; SnapStart cannot be combined with provisioned concurrency)"
        )
    if raw.get("windows", ["always"]) != ["always"]:
        problems.append(f"{where}.windows: snapstart is on for every published version: use [always] or leave it out")
    if len(problems) != before:
        return None
    return FunctionPolicy(name, "snapstart", 1, (Window(cron=None),), 5)


def parse_policy(data: Any, stack: Stack, source: str = "") -> Policy:
    """Validate a loaded policy document against ``stack``; PolicyError listing every problem."""
    problems: list[str] = []
    if data is None:
        data = {"functions": {}}
    if not isinstance(data, dict) or not isinstance(data.get("functions", {}), dict):
        raise PolicyError(["the policy must be a mapping with a 'functions' mapping"])
    unknown = set(data) - {"functions"}
    if unknown:
        problems.append(f"unknown top-level key(s) {', '.join(sorted(unknown))}")
    functions = [_function(str(name), raw, stack, problems) for name, raw in (data.get("functions") or {}).items()]
    if problems:
        raise PolicyError(problems)
    return Policy(tuple(f for f in functions if f is not None), source)


def load_policy(path: Path, stack: Stack) -> Policy:
    """Read and validate ``path``; PolicyError (with what to do) when missing or invalid."""
    if not path.exists():
        raise PolicyError([f"{path} does not exist: write one (see docs/warmup.md) or pass --policy FILE"])
    try:
        data = yaml.safe_load(path.read_text())
    except yaml.YAMLError as error:
        raise PolicyError([f"{path} is not valid YAML: {error}"]) from error
    return parse_policy(data, stack, str(path))
