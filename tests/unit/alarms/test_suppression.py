"""Composite actions suppression (CloudWatch's ActionsSuppressor) with a hand-moved clock: the
Warnings composite stays quiet while ServiceHealth pages, and speaks when nothing does."""

from __future__ import annotations

from alarms.evaluator import ALARM, INSUFFICIENT, OK, StateChange
from alarms.spec import CompositeSpec
from alarms.suppression import ActionsSuppression

WAIT, EXTENSION = 300, 600


def _warnings(suppressor: str | None = "health") -> CompositeSpec:
    return CompositeSpec(
        name="warnings",
        slug="warnings",
        resource="warnings",
        means="m",
        action="a",
        runbook="r",
        dashboard="d",
        children=("w",),
        severity="warning",
        suppressor=suppressor,
        suppressor_wait_s=WAIT,
        suppressor_extension_s=EXTENSION,
    )


def _change(alarm: str, old: str, new: str, at: float) -> StateChange:
    return StateChange(alarm, old, new, at, "reason", {})


class Board:
    """Ticks every minute; ``step`` says which alarms change at that tick."""

    def __init__(self, spec: CompositeSpec | None = None) -> None:
        self.gate = ActionsSuppression([spec or _warnings()])
        self.states = {"health": OK, "warnings": OK}
        self.acted: list[tuple[float, str, str]] = []

    def step(self, now: float, **new_states: str) -> None:
        changes = []
        for name, state in new_states.items():
            changes.append(_change(name, self.states[name], state, now))
            self.states[name] = state
        self.acted += [(now, c.alarm, c.new) for c in self.gate.actionable(now, changes, dict(self.states))]


def test_a_warning_that_comes_with_an_incident_says_nothing() -> None:
    board = Board()
    board.step(0, warnings=ALARM)  # the warning fires first: it waits for ServiceHealth
    assert board.acted == []
    assert board.gate.waiting() == ["warnings"]
    board.step(120, health=ALARM)  # ServiceHealth pages within the wait: the warning is dropped
    board.step(600, health=OK)
    board.step(660, warnings=OK)  # cleared within the extension: dropped too
    board.step(2000)
    assert board.acted == [(120, "health", ALARM), (600, "health", OK)]
    assert [s.by for s in board.gate.suppressed] == ["WaitPeriod", "ExtensionPeriod"]


def test_a_warning_while_servicehealth_pages_is_suppressed() -> None:
    board = Board()
    board.step(0, health=ALARM)
    board.step(60, warnings=ALARM)
    board.step(400)
    assert board.acted == [(0, "health", ALARM)]
    assert [s.by for s in board.gate.suppressed] == ["Alarm"]


def test_a_warning_alone_notifies_once_the_wait_is_over() -> None:
    board = Board()
    board.step(0, warnings=ALARM)
    board.step(240)
    assert board.acted == []
    board.step(300)
    assert board.acted == [(300, "warnings", ALARM)]
    board.step(900, warnings=OK)
    board.step(1200)
    assert board.acted[-1] == (1200, "warnings", OK)  # announced ALARM, so its OK goes out


def test_a_warning_that_clears_during_its_wait_says_nothing() -> None:
    board = Board()
    board.step(0, warnings=ALARM)
    board.step(120, warnings=OK)
    board.step(420)
    assert board.acted == []
    assert board.gate.waiting() == []


def test_an_ok_after_a_suppressed_alarm_is_not_announced() -> None:
    board = Board()
    board.step(0, health=ALARM)
    board.step(60, warnings=ALARM)
    board.step(120, health=OK)
    board.step(120 + EXTENSION + 60, warnings=OK)  # after the extension: still nothing to clear
    board.step(120 + EXTENSION + 60 + WAIT)
    assert board.acted == [(0, "health", ALARM), (120, "health", OK)]


def test_after_the_extension_the_composite_acts_again() -> None:
    board = Board()
    board.step(0, health=ALARM)
    board.step(60, health=OK)
    board.step(60 + EXTENSION, warnings=ALARM)
    board.step(60 + EXTENSION + WAIT)
    assert board.acted[-1] == (60 + EXTENSION + WAIT, "warnings", ALARM)


def test_composites_without_a_suppressor_and_metric_alarms_act_at_once() -> None:
    gate = ActionsSuppression([_warnings(suppressor=None)])
    changes = [_change("warnings", OK, ALARM, 0), _change("chat-errors", INSUFFICIENT, ALARM, 0)]
    assert gate.actionable(0, changes, {"warnings": ALARM, "health": ALARM}) == changes
