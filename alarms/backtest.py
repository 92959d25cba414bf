"""Backtest: how often each alarm would have fired over recorded metrics.

Neither the local twin's CloudWatch nor CloudWatch itself replays alarms over history, so this
module replays each alarm with the one evaluator the twin and the tests use
(``alarms.evaluator``): at the end of every period of the range, the alarm's window of
``evaluation_periods`` values is computed as CloudWatch would (metric math over that window
only, so a metric that never arrived stays missing) and the state decided from it (M of N,
``TreatMissingData``).

A *fire* is a transition into ALARM (each one would have sent a notification).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from alarms.evaluator import INSUFFICIENT, AlarmEngine, Rule, Source, decide, window_values
from alarms.spec import AlarmSpec
from kit.expressions import ExpressionError, Series, grid

__all__ = ["Outcome", "Rule", "Source", "Transition", "backtest", "evaluate", "states"]


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


def states(values: Sequence[float | None], rule: Rule, initial: str = INSUFFICIENT) -> list[str]:
    """The alarm's state after each period, given its value per period (None: missing)."""
    state = initial
    out: list[str] = []
    n = rule.evaluation_periods
    for index in range(len(values)):
        window = [values[i] if i >= 0 else None for i in range(index - n + 1, index + 1)]
        state = decide(window, rule, state).state
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


def _outcome(spec: AlarmSpec, fetched_values: dict[int, list[float | None]], timestamps: Sequence[int]) -> Outcome:
    n, period = spec.evaluation_periods, spec.period
    # The value of each period as the window ending with it saw it.
    values = [fetched_values[ts - (n - 1) * period][-1] for ts in timestamps]
    outcome = Outcome(alarm=spec.name, periods=len(timestamps), datapoints=sum(v is not None for v in values))
    present = [v for v in values if v is not None]
    if present:
        outcome.worst = max(present) if spec.comparison.startswith("Greater") else min(present)
    engine = AlarmEngine([spec])
    for ts in timestamps:
        starts = [ts - (n - 1 - k) * period for k in range(n)]
        # Periods before the replayed range count as missing, as they would in a fresh alarm.
        window = [v if starts[k] >= timestamps[0] else None for k, v in enumerate(fetched_values[starts[0]])]
        for change in engine.apply(spec, starts, window, ts + period):
            outcome.transitions.append(Transition(ts, change.new, change.value))
            if change.new == "ALARM":
                outcome.fires += 1
        if engine.states[spec.name].state == "ALARM":
            outcome.periods_in_alarm += 1
    return outcome


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
        if not timestamps:
            outcomes.append(Outcome(alarm=spec.name, periods=0, datapoints=0))
            continue
        n = spec.evaluation_periods
        starts = [ts - (n - 1) * spec.period for ts in timestamps]
        try:
            values = window_values(spec, fetched, starts)
        except ExpressionError as error:
            outcome = Outcome(alarm=spec.name, periods=len(timestamps), datapoints=0)
            outcome.notes.append(f"not evaluated: {error}")
            outcomes.append(outcome)
            continue
        outcome = _outcome(spec, values, timestamps)
        outcome.notes.extend(f"{m.name}: {fetched.approximated[m]}" for m in spec.metrics if m in fetched.approximated)
        outcomes.append(outcome)
    return outcomes
