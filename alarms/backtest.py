"""Backtest: how often each alarm would have fired over recorded metrics.

Neither the local twin's CloudWatch nor CloudWatch itself replays alarms over history, so this
module evaluates each alarm's rule the way CloudWatch documents it:

- the alarm's value per period: its metric statistic, or its metric-math expression evaluated
  over the metrics it reads (``alarms.expressions``);
- after each period, the last ``evaluation_periods`` values are the window; missing values
  count as breaching (``breaching``), as not breaching (``notBreaching``) or are left out
  (``ignore``, ``missing``);
- ALARM when at least ``datapoints_to_alarm`` values in the window breach; otherwise OK when
  the window holds any value; otherwise INSUFFICIENT_DATA (``missing``) or the state stays
  (``ignore``).

A *fire* is a transition into ALARM (each one would have sent a notification).
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from alarms.expressions import Evaluator, ExpressionError, Series, grid
from alarms.metrics import MetricStat
from alarms.source import FetchResult
from alarms.spec import AlarmSpec

_COMPARE: dict[str, Callable[[float, float], bool]] = {
    "GreaterThanOrEqualToThreshold": operator.ge,
    "GreaterThanThreshold": operator.gt,
    "LessThanThreshold": operator.lt,
    "LessThanOrEqualToThreshold": operator.le,
}


class Source(Protocol):
    """Where recorded metrics come from (``alarms.source.CloudWatchSource`` or ``StaticSource``)."""

    def fetch(self, metrics: Sequence[MetricStat], start: dt.datetime, end: dt.datetime) -> FetchResult:
        """Series of ``metrics`` over ``[start, end)``."""
        ...


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
class Transition:
    """The alarm entered ``state`` at the end of the period starting at ``at``."""

    at: int
    state: str
    value: float | None


@dataclass
class Outcome:
    """The backtest of one alarm."""

    alarm: str
    periods: int
    datapoints: int
    fires: int = 0
    periods_in_alarm: int = 0
    transitions: list[Transition] = field(default_factory=list)
    worst: float | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def approximate(self) -> bool:
        """True when a statistic had to be approximated (see ``notes``)."""
        return bool(self.notes)

    def fire_times(self) -> list[int]:
        """When each fire happened (epoch seconds)."""
        return [t.at for t in self.transitions if t.state == "ALARM"]


def states(values: Sequence[float | None], rule: Rule, initial: str = "INSUFFICIENT_DATA") -> list[str]:
    """The alarm's state after each period, given its value per period (None: missing)."""
    compare = _COMPARE[rule.comparison]
    state = initial
    out: list[str] = []
    n, m = rule.evaluation_periods, rule.datapoints_to_alarm
    for index in range(len(values)):
        window = [values[i] if i >= 0 else None for i in range(index - n + 1, index + 1)]
        breaching = present = 0
        for value in window:
            if value is None:
                if rule.treat_missing_data == "breaching":
                    breaching += 1
                    present += 1
                elif rule.treat_missing_data == "notBreaching":
                    present += 1
                continue
            present += 1
            if compare(value, rule.threshold):
                breaching += 1
        if breaching >= m:
            state = "ALARM"
        elif present:
            state = "OK"
        elif rule.treat_missing_data == "missing":
            state = "INSUFFICIENT_DATA"
        out.append(state)
    return out


def evaluate(series: Series, timestamps: Sequence[int], rule: Rule, name: str = "") -> Outcome:
    """Replay ``rule`` over ``series`` on ``timestamps`` (one per period)."""
    values = [series.get(ts) for ts in timestamps]
    outcome = Outcome(alarm=name, periods=len(timestamps), datapoints=sum(v is not None for v in values))
    present = [v for v in values if v is not None]
    if present:
        outcome.worst = max(present) if rule.comparison.startswith("Greater") else min(present)
    previous = "INSUFFICIENT_DATA"
    for ts, value, state in zip(timestamps, values, states(values, rule), strict=True):
        if state == "ALARM":
            outcome.periods_in_alarm += 1
        if state != previous:
            outcome.transitions.append(Transition(ts, state, value))
            if state == "ALARM":
                outcome.fires += 1
        previous = state
    return outcome


def alarm_series(spec: AlarmSpec, fetched: FetchResult, timestamps: Sequence[int]) -> Series:
    """The value the alarm compares with its threshold, per period."""
    if spec.metric is not None:
        return dict(fetched.get(spec.metric))
    known = {q.id: dict(fetched.get(q.metric)) for q in spec.queries if q.metric is not None}
    evaluator = Evaluator(known, timestamps, spec.period)
    for query in spec.queries:
        if query.expression is not None and not query.return_data:
            known[query.id] = evaluator.series_of(query.expression)
            evaluator.series[query.id] = known[query.id]
    returned = next(q for q in spec.queries if q.return_data)
    if returned.expression is None:
        return known[returned.id]
    return evaluator.series_of(returned.expression)


def backtest(
    alarms: Sequence[AlarmSpec],
    source: Source,
    start: dt.datetime,
    end: dt.datetime,
) -> list[Outcome]:
    """Replay every alarm over the metrics recorded between ``start`` and ``end``."""
    metrics = [metric for spec in alarms for metric in spec.metrics]
    fetched = source.fetch(metrics, start, end)
    outcomes: list[Outcome] = []
    low, high = int(start.timestamp()), int(end.timestamp())
    for spec in alarms:
        timestamps = grid(low, high, spec.period)
        # The last period is still open: CloudWatch would not evaluate it yet.
        if timestamps and timestamps[-1] + spec.period > high:
            timestamps = timestamps[:-1]
        try:
            series = alarm_series(spec, fetched, timestamps)
        except ExpressionError as error:
            outcome = Outcome(alarm=spec.name, periods=len(timestamps), datapoints=0)
            outcome.notes.append(f"not evaluated: {error}")
            outcomes.append(outcome)
            continue
        outcome = evaluate(series, timestamps, Rule.of(spec), spec.name)
        outcome.notes.extend(f"{m.name}: {fetched.approximated[m]}" for m in spec.metrics if m in fetched.approximated)
        outcomes.append(outcome)
    return outcomes
