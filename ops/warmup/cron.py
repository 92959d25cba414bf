"""EventBridge cron expressions (``cron(min hour day-of-month month day-of-week year)``):
validation and expansion. EventBridge Scheduler accepts invalid expressions without a word
(and so does moto), so they are checked here before anything is applied."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

_MONTHS = {
    m: i
    for i, m in enumerate(["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], start=1)
}
_DAYS = {d: i for i, d in enumerate(["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"], start=1)}
_EXPRESSION = re.compile(r"^cron\((.+)\)$")
# field: (name, low, high, names)
_FIELDS: tuple[tuple[str, int, int, dict[str, int]], ...] = (
    ("minutes", 0, 59, {}),
    ("hours", 0, 23, {}),
    ("day-of-month", 1, 31, {}),
    ("month", 1, 12, _MONTHS),
    ("day-of-week", 1, 7, _DAYS),
    ("year", 1970, 2199, {}),
)


class CronError(ValueError):
    """The expression is not a valid EventBridge cron expression; the message says why."""


@dataclass(frozen=True)
class Cron:
    """A parsed expression: the raw fields and the expanded value sets (None = any)."""

    text: str
    fields: tuple[str, ...]
    minutes: frozenset[int]
    hours: frozenset[int]
    days_of_week: frozenset[int] | None  # 1 = Sunday, as EventBridge counts
    days_of_month: frozenset[int] | None

    def with_minutes(self, minutes: str) -> str:
        """The same expression with another minutes field."""
        return "cron(" + " ".join((minutes, *self.fields[1:])) + ")"

    def with_time(self, minute: int, hour: int) -> str:
        """The same days, at one time of day."""
        return "cron(" + " ".join((str(minute), str(hour), *self.fields[2:])) + ")"

    def last_firing(self, now: datetime, timezone: str, days: int = 8) -> datetime | None:
        """The latest time at or before ``now`` (aware) the expression fired in ``timezone``,
        looking back ``days`` days (months and years are not checked: windows are weekly)."""
        zone = ZoneInfo(timezone)
        local_now = now.astimezone(zone)
        for back in range(days + 1):
            day = (local_now - timedelta(days=back)).date()
            if self.days_of_week is not None and (day.isoweekday() % 7) + 1 not in self.days_of_week:
                continue
            if self.days_of_month is not None and day.day not in self.days_of_month:
                continue
            for hour in sorted(self.hours, reverse=True):
                for minute in sorted(self.minutes, reverse=True):
                    fired = datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)
                    if fired <= local_now:
                        return fired
        return None


def _value(token: str, low: int, high: int, names: dict[str, int], field: str) -> int:
    upper = token.upper()
    if upper in names:
        return names[upper]
    if not token.isdigit():
        raise CronError(f"{field}: {token!r} is not a number{' or a name' if names else ''}")
    number = int(token)
    if not low <= number <= high:
        raise CronError(f"{field}: {number} is outside {low}-{high}")
    return number


def _expand(raw: str, low: int, high: int, names: dict[str, int], field: str) -> frozenset[int] | None:
    if raw == "?":
        return None
    values: set[int] = set()
    for part in raw.split(","):
        if not part:
            raise CronError(f"{field}: empty item in {raw!r}")
        base, _, step_text = part.partition("/")
        step = 1
        if step_text:
            if not step_text.isdigit() or int(step_text) == 0:
                raise CronError(f"{field}: step {step_text!r} must be a positive number")
            step = int(step_text)
        if base == "*":
            start, end = low, high
        elif "-" in base:
            first, _, last = base.partition("-")
            start, end = _value(first, low, high, names, field), _value(last, low, high, names, field)
            if start > end:
                raise CronError(f"{field}: range {base!r} runs backwards")
        else:
            start = _value(base, low, high, names, field)
            end = high if step_text else start
        values.update(range(start, end + 1, step))
    return frozenset(values)


def parse(text: str) -> Cron:
    """Parse and validate ``cron(...)``; CronError naming the field otherwise."""
    match = _EXPRESSION.match(text.strip())
    if not match:
        raise CronError(f"{text!r} is not of the form cron(minutes hours day-of-month month day-of-week year)")
    fields = tuple(match.group(1).split())
    if len(fields) != 6:
        raise CronError(f"{text!r} has {len(fields)} fields; EventBridge cron expressions have 6")
    for field_text, (name, *_rest) in zip(fields, _FIELDS, strict=True):
        if field_text == "?" and name not in ("day-of-month", "day-of-week"):
            raise CronError(f"{name}: '?' is only allowed in day-of-month or day-of-week")
        if re.search(r"[LW#]", field_text) and name not in ("day-of-month", "day-of-week"):
            raise CronError(f"{name}: {field_text!r} is not allowed here")
    dom_text, dow_text = fields[2], fields[4]
    if (dom_text == "?") == (dow_text == "?"):
        raise CronError("exactly one of day-of-month and day-of-week must be '?'")
    if re.search(r"[LW#]", dom_text + dow_text):
        raise CronError("L, W and # are valid in EventBridge but not supported in warm-up windows")
    expanded = [_expand(f, low, high, names, name) for f, (name, low, high, names) in zip(fields, _FIELDS, strict=True)]
    minutes, hours, dom, _month, dow, _year = expanded
    assert minutes is not None
    assert hours is not None
    return Cron(text=text.strip(), fields=fields, minutes=minutes, hours=hours, days_of_week=dow, days_of_month=dom)
