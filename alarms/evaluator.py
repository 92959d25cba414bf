"""The one alarm evaluator: CloudWatch's documented rules, driven by a clock you choose.

The local twin (every minute of its clock), ``ops alarms backtest`` (every period of the
replayed range) and the tests (a hand-moved clock) all use :class:`AlarmEngine`, so they
cannot disagree. At each evaluation time ``now`` a metric alarm:

1. reads the last ``evaluation_periods`` *complete* periods before ``now`` (the window);
2. computes one value per period: its metric statistic, or its metric-math expression
   (``kit.expressions``) evaluated over that window. ``FILL`` fills the gaps of a series
   that has data in the window; a series with no data at all in the window stays empty, as
   in CloudWatch, so a rate whose metrics never arrive is *missing*, not 0;
3. counts breaching values, missing ones treated as ``TreatMissingData`` says
   (``breaching``, ``notBreaching``, or left out for ``ignore`` and ``missing``);
4. ALARM when at least ``datapoints_to_alarm`` breach; otherwise OK when anything was
   evaluated; otherwise INSUFFICIENT_DATA (``missing``) or the state stays (``ignore``).

Composite alarms evaluate their ``AlarmRule`` (``ALARM("x") AND NOT (OK(y) OR ...)``) over
the states their children have after the same tick: ALARM when it holds, OK otherwise.

Simplifications, stated: CloudWatch may look back further than the window to find
datapoints for ``ignore``/``missing``, and ``EvaluateLowSampleCountPercentile=ignore`` is not
modelled (the generated alarms use ``evaluate``).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import operator
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from alarms.spec import AlarmSpec, CompositeSpec
from kit.expressions import Evaluator, ExpressionError, Series, references
from kit.metrics import MetricStat
from kit.source import FetchResult

OK, ALARM, INSUFFICIENT = "OK", "ALARM", "INSUFFICIENT_DATA"
STATES = (OK, ALARM, INSUFFICIENT)

COMPARE: dict[str, Callable[[float, float], bool]] = {
    "GreaterThanOrEqualToThreshold": operator.ge,
    "GreaterThanThreshold": operator.gt,
    "LessThanThreshold": operator.lt,
    "LessThanOrEqualToThreshold": operator.le,
}
_WORDS = {
    "GreaterThanOrEqualToThreshold": "greater than or equal to",
    "GreaterThanThreshold": "greater than",
    "LessThanThreshold": "less than",
    "LessThanOrEqualToThreshold": "less than or equal to",
}


# -- clocks ----------------------------------------------------------------------------


class Clock(Protocol):
    """Where "now" comes from (epoch seconds)."""

    def now(self) -> float:
        """The current time."""
        ...


class SystemClock:
    """The wall clock."""

    def now(self) -> float:
        """``time.time()``."""
        return time.time()


class ManualClock:
    """A clock that moves only when told to (tests, replays)."""

    def __init__(self, start: float = 0.0) -> None:
        self._now = float(start)

    def now(self) -> float:
        """The time it was set to."""
        return self._now

    def advance(self, seconds: float) -> float:
        """Move forward by ``seconds``; the new time."""
        self._now += seconds
        return self._now

    def set(self, moment: float) -> None:
        """Jump to ``moment``."""
        self._now = float(moment)


class ScaledClock:
    """Wall time sped up ``speed`` times from ``origin``: 60 makes a minute pass each second.

    ``at(real)`` maps any wall-clock timestamp to this clock, so things stamped with the wall
    clock (log lines, EMF documents) land at the matching scaled time.
    """

    def __init__(self, speed: float = 1.0, origin: float | None = None) -> None:
        if speed <= 0:
            raise ValueError("the clock speed must be positive")
        self.speed = float(speed)
        self.origin = time.time() if origin is None else float(origin)

    def at(self, real: float) -> float:
        """The scaled time of wall-clock time ``real``."""
        if self.speed == 1.0:
            return real
        return self.origin + (real - self.origin) * self.speed

    def now(self) -> float:
        """The scaled time now."""
        return self.at(time.time())

    def real_seconds(self, seconds: float) -> float:
        """How long ``seconds`` of this clock take on the wall clock."""
        return seconds / self.speed


# -- metric sources ------------------------------------------------------------------


class Source(Protocol):
    """Where recorded metrics come from (``kit.source`` or the twin's recorder)."""

    def fetch(self, metrics: Sequence[MetricStat], start: dt.datetime, end: dt.datetime) -> FetchResult:
        """Series of ``metrics`` over ``[start, end)``."""
        ...


# -- one metric alarm ----------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """The parts of an alarm that decide its state."""

    threshold: float
    comparison: str
    evaluation_periods: int
    datapoints_to_alarm: int
    treat_missing_data: str

    @classmethod
    def of(cls, spec: AlarmSpec) -> Rule:
        """The rule of ``spec``."""
        return cls(
            spec.threshold, spec.comparison, spec.evaluation_periods, spec.datapoints_to_alarm, spec.treat_missing_data
        )


@dataclass(frozen=True)
class Decision:
    """The state a window of values leads to, and the counts behind it."""

    state: str
    breaching: int
    evaluated: int


def decide(values: Sequence[float | None], rule: Rule, previous: str = INSUFFICIENT) -> Decision:
    """The state after one evaluation of ``values`` (the window, oldest first; None: missing)."""
    compare = COMPARE[rule.comparison]
    breaching = evaluated = 0
    for value in values:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            if rule.treat_missing_data == "breaching":
                breaching += 1
                evaluated += 1
            elif rule.treat_missing_data == "notBreaching":
                evaluated += 1
            continue
        evaluated += 1
        if compare(value, rule.threshold):
            breaching += 1
    if breaching >= rule.datapoints_to_alarm:
        return Decision(ALARM, breaching, evaluated)
    if evaluated:
        return Decision(OK, breaching, evaluated)
    if rule.treat_missing_data == "ignore":
        return Decision(previous, breaching, evaluated)
    return Decision(INSUFFICIENT, breaching, evaluated)


def window(end: float, period: int, periods: int) -> list[int]:
    """Start times of the last ``periods`` complete periods before ``end`` (oldest first)."""
    last_end = int(end) - int(end) % period
    return [last_end - period * k for k in range(periods, 0, -1)]


def _fill_ids(spec: AlarmSpec) -> set[str]:
    ids: set[str] = set()
    for query in spec.queries:
        if query.expression is not None:
            ids |= references(query.expression)
    return {q.id for q in spec.queries if q.metric is not None and q.id in ids}


def window_values(spec: AlarmSpec, fetched: FetchResult, starts: Sequence[int]) -> dict[int, list[float | None]]:
    """For each window start in ``starts`` (the first period of a window), the alarm's value in
    each of its ``evaluation_periods`` periods (oldest first; None: missing).

    An expression is evaluated once over the whole range for each combination of "which
    metrics have data in the window" (usually one or two), which gives exactly what evaluating
    each window apart would give for the element-wise expressions alarms use.
    """
    n, period = spec.evaluation_periods, spec.period
    if not starts:
        return {}
    if spec.metric is not None:
        series = fetched.get(spec.metric)
        return {s: [series.get(s + k * period) for k in range(n)] for s in starts}
    grid_all = list(range(min(starts), max(starts) + n * period, period))
    raw = {q.id: fetched.get(q.metric) for q in spec.queries if q.metric is not None}
    present_cache: dict[frozenset[str], Series] = {}
    out: dict[int, list[float | None]] = {}
    for start in starts:
        span = range(start, start + n * period, period)
        present = frozenset(qid for qid, series in raw.items() if any(ts in series for ts in span))
        if present not in present_cache:
            known = {qid: (series if qid in present else {}) for qid, series in raw.items()}
            present_cache[present] = _expression_series(spec, known, grid_all)
        values = present_cache[present]
        out[start] = [values.get(ts) for ts in span]
    return out


def _expression_series(spec: AlarmSpec, known: dict[str, Series], grid: list[int]) -> Series:
    evaluator = Evaluator(known, grid, spec.period)
    for query in spec.queries:
        if query.expression is not None and not query.return_data:
            evaluator.series[query.id] = evaluator.series_of(query.expression)
    returned = next(q for q in spec.queries if q.return_data)
    if returned.expression is None:
        return evaluator.series[returned.id]
    return evaluator.series_of(returned.expression)


def _stamp(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, dt.UTC).strftime("%d/%m/%y %H:%M:%S")


def _number(value: float) -> str:
    return repr(round(float(value), 6))


def reason_text(spec: AlarmSpec, starts: Sequence[int], values: Sequence[float | None], decision: Decision) -> str:
    """``NewStateReason`` in CloudWatch's words (the notifier reads numbers back from it)."""
    n = len(values)
    points = [(ts, v) for ts, v in zip(starts, values, strict=True) if v is not None]
    listed = ", ".join(f"{_number(v)} ({_stamp(ts)})" for ts, v in reversed(points))
    words = _WORDS[spec.comparison]
    if decision.state == INSUFFICIENT or (decision.state != ALARM and not points and decision.evaluated == 0):
        return f"Insufficient Data: {n} datapoint{'s' if n != 1 else ''} were unknown."
    if not points:
        treated = "Breaching" if decision.state == ALARM else "NonBreaching"
        return (
            f"Threshold Crossed: no datapoints were received for {n} period{'s' if n != 1 else ''} and {n} "
            f"missing datapoint{'s' if n != 1 else ''} were treated as [{treated}]."
        )
    if decision.state == ALARM:
        verb = "was" if decision.breaching == 1 else "were"
        return (
            f"Threshold Crossed: {decision.breaching} out of the last {n} datapoints [{listed}] {verb} {words} "
            f"the threshold ({_number(spec.threshold)}) (minimum {spec.datapoints_to_alarm} datapoint"
            f"{'s' if spec.datapoints_to_alarm != 1 else ''} for OK -> ALARM transition)."
        )
    good = decision.evaluated - decision.breaching
    verb = "was" if good == 1 else "were"
    return (
        f"Threshold Crossed: {good} out of the last {n} datapoints [{listed}] {verb} not {words} "
        f"the threshold ({_number(spec.threshold)}) (minimum {n - spec.datapoints_to_alarm + 1} datapoint"
        f"{'s' if n - spec.datapoints_to_alarm + 1 != 1 else ''} for ALARM -> OK transition)."
    )


def reason_data(
    spec: AlarmSpec, starts: Sequence[int], values: Sequence[float | None], now: float
) -> dict[str, object]:
    """``StateReasonData``: the datapoints evaluated, as CloudWatch's JSON holds them."""
    iso = lambda ts: dt.datetime.fromtimestamp(ts, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000+0000")  # noqa: E731
    data: dict[str, object] = {
        "version": "1.0",
        "queryDate": iso(now),
        "startDate": iso(starts[0]) if starts else iso(now),
        "period": spec.period,
        "recentDatapoints": [v for v in values if v is not None],
        "threshold": float(spec.threshold),
        "evaluatedDatapoints": [
            {"timestamp": iso(ts), "value": v}
            for ts, v in reversed(list(zip(starts, values, strict=True)))
            if v is not None
        ],
    }
    if spec.metric is not None:
        data["statistic"] = spec.metric.stat
    return data


# -- composite rules -------------------------------------------------------------------

_RULE_TOKEN = re.compile(
    r"\s*(?:(?P<fn>ALARM|OK|INSUFFICIENT_DATA)\s*\(\s*(?:\"(?P<q>[^\"]*)\"|(?P<bare>[^)\s]+))\s*\)"
    r"|(?P<op>AND|OR|NOT|TRUE|FALSE)\b|(?P<paren>[()]))"
)


class RuleError(ValueError):
    """An AlarmRule cannot be parsed."""


@dataclass(frozen=True)
class _Term:
    kind: str  # state, and, or, not, const
    value: str = ""
    children: tuple[_Term, ...] = ()


def _tokens(rule: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    position = 0
    text = rule.rstrip()
    while position < len(text):
        match = _RULE_TOKEN.match(text, position)
        if not match:
            raise RuleError(f"unexpected {text[position : position + 15]!r} in alarm rule {rule!r}")
        if match.group("fn"):
            name = match.group("q") if match.group("q") is not None else match.group("bare")
            out.append((match.group("fn"), name.rsplit(":alarm:", 1)[-1]))
        elif match.group("op"):
            out.append(("op", match.group("op")))
        else:
            out.append(("paren", match.group("paren")))
        position = match.end()
    return out


class CompositeRule:
    """A parsed ``AlarmRule``: ``ALARM("a") OR (OK(b) AND NOT INSUFFICIENT_DATA("c"))``."""

    def __init__(self, rule: str) -> None:
        self.text = rule
        self._tokens = _tokens(rule)
        self._index = 0
        self._root = self._or()
        if self._index != len(self._tokens):
            raise RuleError(f"unexpected {self._tokens[self._index][1]!r} in alarm rule {rule!r}")

    def _peek(self) -> tuple[str, str] | None:
        return self._tokens[self._index] if self._index < len(self._tokens) else None

    def _or(self) -> _Term:
        node = self._and()
        while self._peek() == ("op", "OR"):
            self._index += 1
            node = _Term("or", children=(node, self._and()))
        return node

    def _and(self) -> _Term:
        node = self._not()
        while self._peek() == ("op", "AND"):
            self._index += 1
            node = _Term("and", children=(node, self._not()))
        return node

    def _not(self) -> _Term:
        if self._peek() == ("op", "NOT"):
            self._index += 1
            return _Term("not", children=(self._not(),))
        return self._atom()

    def _atom(self) -> _Term:
        token = self._peek()
        if token is None:
            raise RuleError(f"alarm rule {self.text!r} ends too early")
        self._index += 1
        kind, value = token
        if kind == "paren" and value == "(":
            node = self._or()
            if self._peek() != ("paren", ")"):
                raise RuleError(f"missing ')' in alarm rule {self.text!r}")
            self._index += 1
            return node
        if kind in STATES:
            return _Term("state", kind, (_Term("const", value),))
        if kind == "op" and value in ("TRUE", "FALSE"):
            return _Term("const", value)
        raise RuleError(f"unexpected {value!r} in alarm rule {self.text!r}")

    @property
    def children(self) -> list[str]:
        """The alarms the rule names, in order."""
        found: list[str] = []

        def walk(node: _Term) -> None:
            if node.kind == "state":
                found.append(node.children[0].value)
            else:
                for child in node.children:
                    walk(child)

        walk(self._root)
        return list(dict.fromkeys(found))

    def holds(self, states: Mapping[str, str]) -> bool:
        """Whether the rule is true for the children's ``states`` (unknown alarms: INSUFFICIENT_DATA)."""

        def value(node: _Term) -> bool:
            if node.kind == "state":
                return states.get(node.children[0].value, INSUFFICIENT) == node.value
            if node.kind == "and":
                return all(value(c) for c in node.children)
            if node.kind == "or":
                return any(value(c) for c in node.children)
            if node.kind == "not":
                return not value(node.children[0])
            return node.value == "TRUE"

        return value(self._root)


# -- the engine ------------------------------------------------------------------------


@dataclass
class AlarmState:
    """Where one alarm stands."""

    state: str = INSUFFICIENT
    reason: str = "Unchecked: Initial alarm creation"
    reason_data: dict[str, object] = field(default_factory=dict)
    since: float = 0.0
    value: float | None = None


@dataclass(frozen=True)
class StateChange:
    """An alarm entered ``new`` from ``old`` at ``at`` (epoch seconds of the engine's clock)."""

    alarm: str
    old: str
    new: str
    at: float
    reason: str
    reason_data: dict[str, object]
    value: float | None = None
    composite: bool = False
    triggering_children: tuple[str, ...] = ()


class AlarmEngine:
    """Evaluates metric and composite alarms over a metrics ``source`` whenever asked.

    ``evaluate(now)`` runs one tick at ``now`` (the caller's clock) and returns the state
    changes; ``states`` and ``history`` hold where every alarm stands and how it got there.
    """

    def __init__(
        self,
        alarms: Iterable[AlarmSpec],
        composites: Iterable[CompositeSpec | tuple[str, str]] = (),
        source: Source | None = None,
        *,
        on_error: Callable[[str, Exception], None] | None = None,
    ) -> None:
        self.alarms = list(alarms)
        self.composites: list[tuple[str, CompositeRule]] = [
            (c.name, CompositeRule(c.rule)) if isinstance(c, CompositeSpec) else (c[0], CompositeRule(c[1]))
            for c in composites
        ]
        self.source = source
        self.states: dict[str, AlarmState] = {
            name: AlarmState() for name in [a.name for a in self.alarms] + [n for n, _ in self.composites]
        }
        self.history: list[StateChange] = []
        self._on_error = on_error or (lambda name, error: None)

    def lookback(self) -> int:
        """Seconds of metrics one tick needs."""
        return max((a.period * (a.evaluation_periods + 1) for a in self.alarms), default=60)

    def evaluate(self, now: float, fetched: FetchResult | None = None) -> list[StateChange]:
        """One tick at ``now``; ``fetched`` (else a fetch from the source) holds the metrics."""
        if fetched is None:
            if self.source is None:
                raise ValueError("the engine has no metrics source: pass fetched metrics")
            start = dt.datetime.fromtimestamp(int(now) - int(now) % 60 - self.lookback(), dt.UTC)
            end = dt.datetime.fromtimestamp(int(now) - int(now) % 60, dt.UTC)
            fetched = self.source.fetch([m for a in self.alarms for m in a.metrics], start, end)
        changes: list[StateChange] = []
        for spec in self.alarms:
            starts = window(now, spec.period, spec.evaluation_periods)
            try:
                values = window_values(spec, fetched, [starts[0]])[starts[0]]
            except ExpressionError as error:
                self._on_error(spec.name, error)
                continue
            changes += self.apply(spec, starts, values, now)
        changes += self.apply_composites(now)
        return changes

    def apply(
        self, spec: AlarmSpec, starts: Sequence[int], values: Sequence[float | None], now: float
    ) -> list[StateChange]:
        """Decide ``spec``'s state from one window of ``values``; the change, if any."""
        current = self.states[spec.name]
        decision = decide(values, Rule.of(spec), current.state)
        newest = next((v for v in reversed(values) if v is not None), None)
        current.value = newest
        if decision.state == current.state:
            return []
        change = StateChange(
            spec.name,
            current.state,
            decision.state,
            now,
            reason_text(spec, starts, values, decision),
            reason_data(spec, starts, values, now),
            newest,
        )
        self._record(change)
        return [change]

    def apply_composites(self, now: float) -> list[StateChange]:
        """Re-evaluate every composite over its children's current states."""
        changes: list[StateChange] = []
        for name, rule in self.composites:
            states = {child: s.state for child, s in self.states.items()}
            new = ALARM if rule.holds(states) else OK
            current = self.states[name]
            if new == current.state:
                continue
            firing = tuple(c for c in rule.children if states.get(c) == ALARM)
            moment = dt.datetime.fromtimestamp(now, dt.UTC).strftime("%A %d %B, %Y %H:%M:%S UTC")
            if firing:
                reason = f"{firing[0]} transitioned to ALARM at {moment}"
            else:
                reason = f"no child alarm is in ALARM at {moment}"
            change = StateChange(
                name,
                current.state,
                new,
                now,
                reason,
                {"triggeringAlarms": [{"name": c, "state": {"value": ALARM}} for c in firing]},
                composite=True,
                triggering_children=firing,
            )
            self._record(change)
            changes.append(change)
        return changes

    def _record(self, change: StateChange) -> None:
        state = self.states[change.alarm]
        state.state, state.reason, state.reason_data, state.since = (
            change.new,
            change.reason,
            change.reason_data,
            change.at,
        )
        self.history.append(change)

    def snapshot(self) -> dict[str, str]:
        """Every alarm's state now."""
        return {name: s.state for name, s in self.states.items()}


def reason_json(change: StateChange) -> str:
    """``StateReasonData`` as the JSON text ``SetAlarmState`` takes."""
    return json.dumps(change.reason_data, separators=(",", ":"))
