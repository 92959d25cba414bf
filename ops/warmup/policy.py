"""The warm-up policy (``warmup.yaml``): load, validate against the stack model.

Every problem is reported at once, each naming where it is (``functions.chat.windows[0].timezone``);
a policy with any problem is never applied.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from infra.model import Stack
from infra.template.functions import snapstart_problems
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    ValidationError,
    field_validator,
    model_validator,
)

from kit.yaml_files import problems as described
from kit.yaml_files import read_yaml
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


def _empty_is_none(value: Any) -> Any:
    return {} if value is None else value


def _always_is_a_window(value: Any) -> Any:
    # A window is written as the word `always` or as {cron, timezone}.
    return {"always": True} if value == "always" else value


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WindowEntry(_Entry):
    """A window as written: ``always``, or every hour ``cron`` matches in ``timezone``."""

    always: bool = False
    cron: Annotated[str, Strict()] | None = None
    timezone: Annotated[str, Strict()] = "UTC"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not an IANA time zone (e.g. Europe/Berlin)") from None
        return value

    @field_validator("cron")
    @classmethod
    def _whole_hours(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            cron = parse(value)
        except CronError as error:
            raise ValueError(str(error)) from None
        if cron.fields[0] != "*":
            raise ValueError("a window is made of whole hours, so its minutes field must be '*'")
        return value

    @model_validator(mode="after")
    def _cron_or_always(self) -> WindowEntry:
        if not self.always and self.cron is None:
            raise ValueError('give cron (e.g. "cron(* 8-19 ? * MON-FRI *)") and timezone, or write always')
        return self

    def window(self) -> Window:
        return Window(cron=None) if self.always else Window(cron=parse(self.cron or ""), timezone=self.timezone)


Windows = Annotated[list[Annotated[WindowEntry, BeforeValidator(_always_is_a_window)]], Field(min_length=1)]


class FunctionEntry(_Entry):
    """One function's entry as written."""

    method: Method
    concurrency: Annotated[int, Strict(), Field(ge=1)] = 1
    interval_minutes: Annotated[
        int,
        Strict(),
        Field(ge=1, le=14, description="Lambda recycles idle environments after a few minutes"),
    ] = 5
    # Required for ping and provisioned (keeping environments warm costs money: say when);
    # snapstart is always on, so it takes none.
    windows: (
        Annotated[list[Annotated[WindowEntry, BeforeValidator(_always_is_a_window)]], Field(min_length=1)] | None
    ) = None


class PolicyFile(_Entry):
    """The whole of ``warmup.yaml``."""

    functions: Annotated[
        dict[str, Annotated[FunctionEntry, BeforeValidator(_empty_is_none)]], BeforeValidator(_empty_is_none)
    ] = {}


def _unknown_functions(names: Any, stack: Stack) -> list[str]:
    known = [f.name for f in stack.functions]
    return [
        f"functions.{name}: no function {name!r} in the stack (known: {', '.join(known)})"
        for name in names
        if name not in known
    ]


def _function(name: str, entry: FunctionEntry, stack: Stack, problems: list[str]) -> FunctionPolicy | None:
    """``entry`` checked against the stack model and across its windows."""
    where = f"functions.{name}"
    known = {f.name: f for f in stack.functions}
    if entry.method == "snapstart":
        return _snapstart(name, entry, known[name], where, problems)
    if entry.windows is None:
        problems.append(f"{where}.windows: give at least one window ('always' or cron + timezone)")
        return None
    before = len(problems)
    limit = known[name].reserved_concurrency or ACCOUNT_CONCURRENCY
    if entry.concurrency > limit:
        problems.append(f"{where}.concurrency: {entry.concurrency} is above the function's limit of {limit}")
    if entry.method == "ping" and entry.concurrency > MAX_PING_CONCURRENCY:
        problems.append(
            f"{where}.concurrency: pings keep at most {MAX_PING_CONCURRENCY} environments warm; use method: provisioned"
        )
    windows = [w.window() for w in entry.windows]
    for i, first in enumerate(windows):
        for later in windows[i + 1 :]:
            if first.utc_hours() & later.utc_hours():
                problems.append(f"{where}.windows: {first.describe()!r} and {later.describe()!r} overlap")
    if len(problems) != before:
        return None
    return FunctionPolicy(name, entry.method, entry.concurrency, tuple(windows), entry.interval_minutes)


def _snapstart(
    name: str, entry: FunctionEntry, function: Any, where: str, problems: list[str]
) -> FunctionPolicy | None:
    """SnapStart is on for every published version, all the time: no windows, no count. What
    Lambda refuses is refused here (runtime before 3.12, ephemeral storage over 512 MB;
    provisioned concurrency on the same function is another method, so one entry cannot ask
    for both)."""
    before = len(problems)
    for problem in snapstart_problems(function):
        problems.append(f"{where}.method: {problem}")
    if entry.concurrency != 1 or "interval_minutes" in entry.model_fields_set:
        problems.append(
            f"{where}: snapstart takes no concurrency or interval_minutes (every new environment "
            "is restored from the snapshot; SnapStart cannot be combined with provisioned concurrency)"
        )
    if entry.windows is not None and [w.always for w in entry.windows] != [True]:
        problems.append(f"{where}.windows: snapstart is on for every published version: use [always] or leave it out")
    if len(problems) != before:
        return None
    return FunctionPolicy(name, "snapstart", 1, (Window(cron=None),), 5)


def parse_policy(data: Any, stack: Stack, source: str = "") -> Policy:
    """Validate a loaded policy document against ``stack``; PolicyError listing every problem,
    each with its key path (``functions.chat.windows[0].timezone``)."""
    if data is None:
        data = {"functions": {}}
    if not isinstance(data, dict):
        raise PolicyError(["the policy must be a mapping with a 'functions' mapping"])
    # Names first, so a misspelt function is reported with every other problem of the file.
    named = data.get("functions")
    found = _unknown_functions(named if isinstance(named, dict) else {}, stack)
    try:
        document = PolicyFile.model_validate(data)
    except ValidationError as failure:
        raise PolicyError(found + described(failure)) from None
    functions = [
        _function(name, entry, stack, found)
        for name, entry in document.functions.items()
        if name in {f.name for f in stack.functions}
    ]
    if found:
        raise PolicyError(found)
    return Policy(tuple(f for f in functions if f is not None), source)


def load_policy(path: Path, stack: Stack) -> Policy:
    """Read and validate ``path``; PolicyError (with what to do) when missing or invalid."""
    if not path.exists():
        raise PolicyError([f"{path} does not exist: write one (see docs/warmup.md) or pass --policy FILE"])
    try:
        data = read_yaml(path, ValueError, "warm-up policy")
    except ValueError as error:
        raise PolicyError([str(error)]) from None
    return parse_policy(data, stack, str(path))
