"""The one alarm evaluator, driven by a hand-moved clock: M of N, every TreatMissingData mode,
metric math with FILL and IF over the alarm's window, percentiles from raw samples, composite
rules, and CloudWatch's reason text that the notifier reads back."""

from __future__ import annotations

import pytest

from alarms.evaluator import ALARM, INSUFFICIENT, OK, AlarmEngine, CompositeRule, ManualClock, RuleError, ScaledClock
from alarms.spec import AlarmSpec, Query
from kit.metrics import MetricStat
from kit.source import StaticSource
from ops.local.recorded import RecordedMetrics

ERRORS = MetricStat("AWS/Lambda", "Errors", (("FunctionName", "f"),), "Sum", 60)
INVOCATIONS = MetricStat("AWS/Lambda", "Invocations", (("FunctionName", "f"),), "Sum", 60)
START = 1_764_000_000 - 1_764_000_000 % 60  # a minute boundary


def _spec(
    name: str = "a",
    *,
    threshold: float = 5,
    n: int = 3,
    m: int = 2,
    missing: str = "missing",
    metric: MetricStat | None = ERRORS,
    queries: tuple[Query, ...] = (),
) -> AlarmSpec:
    return AlarmSpec(
        name=name,
        slug=name,
        check="c",
        severity="critical",
        resource="r",
        condition="c",
        means="m",
        action="a",
        runbook="https://example.test/runbook#c",
        dashboard="d",
        threshold=threshold,
        comparison="GreaterThanOrEqualToThreshold",
        period=60,
        evaluation_periods=n,
        datapoints_to_alarm=m,
        treat_missing_data=missing,
        unit="Count",
        metric=None if queries else metric,
        queries=queries,
    )


def _run(spec: AlarmSpec, series: dict[MetricStat, dict[int, float]], minutes: int) -> list[str]:
    """The alarm's state after each minute of a ManualClock, evaluated by the engine."""
    clock = ManualClock(START)
    engine = AlarmEngine([spec], source=StaticSource(series))
    out = []
    for _ in range(minutes):
        clock.advance(60)
        engine.evaluate(clock.now())
        out.append(engine.states[spec.name].state)
    return out


def _minutes(values: dict[int, float]) -> dict[int, float]:
    return {START + 60 * k: v for k, v in values.items()}


def test_m_of_n_needs_m_breaches_inside_one_window() -> None:
    spec = _spec(threshold=5, n=3, m=2)
    # Tick k evaluates minutes k-2..k. Breaches at minutes 1 and 3 share the window 1..3 only.
    firing = _run(spec, {ERRORS: _minutes({0: 1, 1: 9, 2: 1, 3: 9, 4: 1, 5: 1, 6: 1})}, 7)
    assert firing == [OK, OK, OK, ALARM, OK, OK, OK]
    apart = _run(spec, {ERRORS: _minutes({0: 9, 1: 1, 2: 1, 3: 9, 4: 1, 5: 1, 6: 9})}, 8)
    assert ALARM not in apart


@pytest.mark.parametrize(
    ("treatment", "expected"),
    [
        # One datapoint at minute 0, then nothing.
        ("missing", [OK, OK, OK, INSUFFICIENT, INSUFFICIENT]),
        ("ignore", [OK, OK, OK, OK, OK]),
        ("notBreaching", [OK, OK, OK, OK, OK]),
        # The two minutes before the first datapoint are missing too: already two breaches.
        ("breaching", [ALARM, ALARM, ALARM, ALARM, ALARM]),
    ],
)
def test_each_missing_data_treatment(treatment: str, expected: list[str]) -> None:
    spec = _spec(threshold=5, n=3, m=2, missing=treatment)
    assert _run(spec, {ERRORS: _minutes({0: 1.0})}, 5) == expected


def test_no_data_at_all_is_insufficient_unless_told_otherwise() -> None:
    assert set(_run(_spec(missing="missing"), {}, 4)) == {INSUFFICIENT}
    assert set(_run(_spec(missing="notBreaching"), {}, 4)) == {OK}
    assert set(_run(_spec(missing="breaching"), {}, 4)) == {ALARM}


def _rate(min_samples: float = 10) -> tuple[Query, ...]:
    return (
        Query("num", ERRORS),
        Query("den0", INVOCATIONS),
        Query(
            "rate",
            expression=f"IF(FILL(den0, 0) >= {min_samples:g}, 100 * FILL(num, 0) / FILL(den0, 0), 0)",
            return_data=True,
        ),
    )


def test_metric_math_fill_and_if_compute_a_guarded_rate() -> None:
    spec = _spec(threshold=5, n=3, m=2, missing="missing", queries=_rate())
    invocations = _minutes(dict.fromkeys(range(8), 20.0))
    # 4 errors of 20 in minutes 3 and 4; no Errors datapoint at all in minutes 1 and 5, which
    # FILL turns into 0 errors (the series has data in those windows).
    errors = _minutes({0: 0.0, 2: 0.0, 3: 4.0, 4: 4.0, 6: 0.0, 7: 0.0})
    states = _run(spec, {ERRORS: errors, INVOCATIONS: invocations}, 8)
    assert states == [OK, OK, OK, OK, ALARM, ALARM, OK, OK]
    # IF: below 10 invocations a minute the rate reads 0, so one failure in two is no alarm.
    thin = _run(spec, {ERRORS: _minutes({1: 1.0, 2: 1.0}), INVOCATIONS: _minutes({1: 2.0, 2: 2.0})}, 4)
    assert ALARM not in thin


def test_a_rate_whose_metrics_never_arrive_is_missing_not_zero() -> None:
    """The backtest bug of issue 14: FILL over a series with no data must not invent zeros."""
    spec = _spec(threshold=5, n=3, m=2, missing="missing", queries=_rate())
    assert set(_run(spec, {}, 5)) == {INSUFFICIENT}
    breaching = _spec(threshold=5, n=3, m=2, missing="breaching", queries=_rate())
    assert _run(breaching, {}, 3)[-1] == ALARM


def test_percentiles_come_from_the_recorded_samples() -> None:
    recorded = RecordedMetrics()
    duration = MetricStat("AWS/Lambda", "Duration", (("FunctionName", "f"),), "p90", 60)
    for minute in range(6):
        # 90 fast calls and 10 slow ones a minute: p90 is 100 ms, p99 is 9000 ms from minute 3.
        slow = 9000.0 if minute >= 3 else 100.0
        for index in range(100):
            value = slow if index >= 90 and minute >= 3 else 100.0
            recorded.add("AWS/Lambda", "Duration", (("FunctionName", "f"),), START + 60 * minute + index * 0.1, value)
    p90 = _spec("p90", threshold=1000, n=2, m=2, metric=duration)
    p99 = _spec("p99", threshold=1000, n=2, m=2, metric=duration.with_stat("p99"))
    clock = ManualClock(START)
    engine = AlarmEngine([p90, p99], source=recorded)
    for _ in range(6):
        engine.evaluate(clock.advance(60))
    assert engine.states["p90"].state == OK
    assert engine.states["p99"].state == ALARM
    assert engine.states["p99"].value == 9000.0


def test_composite_rules_follow_their_children() -> None:
    rule = CompositeRule('ALARM("a") AND NOT (OK(b) OR INSUFFICIENT_DATA("c"))')
    assert rule.children == ["a", "b", "c"]
    assert rule.holds({"a": ALARM, "b": ALARM, "c": OK})
    assert not rule.holds({"a": ALARM, "b": OK, "c": OK})
    assert not rule.holds({"a": ALARM, "b": ALARM})  # c unknown: INSUFFICIENT_DATA
    assert CompositeRule("ALARM(arn:aws:cloudwatch:us-east-1:1:alarm:x) OR FALSE").holds({"x": ALARM})
    with pytest.raises(RuleError):
        CompositeRule('ALARM("a") AND (')


def test_the_engine_moves_a_composite_in_the_same_tick_and_explains_it() -> None:
    child = _spec("child", threshold=5, n=1, m=1, missing="notBreaching")
    engine = AlarmEngine([child], [("health", 'ALARM("child")')], StaticSource({ERRORS: _minutes({1: 7.0})}))
    clock = ManualClock(START + 60)
    first = engine.evaluate(clock.advance(60))  # minute 1 breached
    assert [(c.alarm, c.new) for c in first] == [("child", ALARM), ("health", ALARM)]
    assert first[0].reason.startswith("Threshold Crossed: 1 out of the last 1 datapoints [7.0 (")
    assert "the threshold (5.0)" in first[0].reason
    assert first[1].triggering_children == ("child",)
    second = engine.evaluate(clock.advance(60))
    assert [(c.alarm, c.new) for c in second] == [("child", OK), ("health", OK)]
    assert engine.evaluate(clock.advance(60)) == []  # no change, no transition
    assert [c.new for c in engine.history] == [ALARM, ALARM, OK, OK]


def test_the_scaled_clock_runs_faster_from_its_origin() -> None:
    clock = ScaledClock(60, origin=1000.0)
    assert clock.at(1000.0) == 1000.0
    assert clock.at(1001.0) == 1060.0  # one wall second is a twin minute
    assert clock.real_seconds(120) == 2.0
    with pytest.raises(ValueError, match="positive"):
        ScaledClock(0)
