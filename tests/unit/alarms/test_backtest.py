"""Backtest: CloudWatch's alarm rule replayed over synthetic series with known crossings."""

from __future__ import annotations

import datetime as dt

import pytest

from alarms import AlarmSet
from alarms.backtest import Rule, backtest, evaluate, states
from kit.metrics import MetricStat
from kit.source import StaticSource

ABOVE_5 = Rule(
    threshold=5,
    comparison="GreaterThanOrEqualToThreshold",
    evaluation_periods=3,
    datapoints_to_alarm=2,
    treat_missing_data="missing",
)


def test_m_of_n_fires_on_the_second_breach_in_the_window() -> None:
    values = [1, 6, 1, 6, 6, 1, 1, 1]
    # Windows of 3: [1 6 1] no, [6 1 6] fires, [1 6 6] stays, [6 6 1] stays, [6 1 1] clears.
    assert states(values, ABOVE_5) == ["OK", "OK", "OK", "ALARM", "ALARM", "ALARM", "OK", "OK"]


def test_breaches_too_far_apart_never_fire() -> None:
    assert "ALARM" not in states([6, 1, 1, 6, 1, 1, 6], ABOVE_5)


@pytest.mark.parametrize(
    ("treatment", "expected"),
    [
        ("missing", ["INSUFFICIENT_DATA", "INSUFFICIENT_DATA", "OK", "OK", "OK", "INSUFFICIENT_DATA"]),
        ("ignore", ["INSUFFICIENT_DATA", "INSUFFICIENT_DATA", "OK", "OK", "OK", "OK"]),
        ("notBreaching", ["OK", "OK", "OK", "OK", "OK", "OK"]),
        ("breaching", ["INSUFFICIENT_DATA", "ALARM", "ALARM", "ALARM", "ALARM", "ALARM"]),
    ],
)
def test_missing_data_treatments(treatment: str, expected: list[str]) -> None:
    rule = Rule(5, "GreaterThanOrEqualToThreshold", 3, 2, treatment)
    values: list[float | None] = [None, None, 1.0, None, None, None]
    got = states(values, rule)
    if treatment == "breaching":
        # Missing counts as breaching: two missing periods in the window are already two breaches.
        assert got[1:] == expected[1:]
    else:
        assert got == expected


def test_evaluate_counts_fires_and_time_in_alarm() -> None:
    timestamps = list(range(0, 600, 60))
    series = {t: (9.0 if 120 <= t <= 240 or t >= 480 else 0.0) for t in timestamps}
    outcome = evaluate(series, timestamps, ABOVE_5, "x")
    # Crossings at 120-240 (fires at 180) and from 480 (fires at 540): two notifications.
    assert outcome.fires == 2
    assert outcome.fire_times() == [180, 540]
    assert outcome.periods_in_alarm == 4  # 180, 240, 300 (2 of the last 3 still breach), 540
    assert outcome.worst == 9.0


def test_less_than_alarms_report_their_lowest_value() -> None:
    rule = Rule(2, "LessThanThreshold", 1, 1, "notBreaching")
    outcome = evaluate({0: 5.0, 60: 1.0, 120: 5.0}, [0, 60, 120], rule)
    assert (outcome.fires, outcome.worst) == (1, 1.0)


def _start() -> dt.datetime:
    return dt.datetime(2025, 11, 25, 0, 0, tzinfo=dt.UTC)


def test_a_rate_alarm_ignores_thin_traffic_and_fires_on_a_real_outage(prod_alarms: AlarmSet) -> None:
    spec = prod_alarms.find("chat-lambda-error-rate-critical")  # >= 2 %, 3 of 5 minutes, 10+ invocations
    errors, invocations = (q.metric for q in spec.queries if q.metric is not None)
    assert isinstance(errors, MetricStat)
    assert isinstance(invocations, MetricStat)
    base = int(_start().timestamp())
    minutes = range(60)
    # Night: 2 invocations a minute, 1 failing (50 %!) for 10 minutes: below min_samples, no alarm.
    # Day: 100 a minute; 20 failing for 4 minutes from minute 40: fires once.
    invocations_series = {base + 60 * m: (2.0 if m < 30 else 100.0) for m in minutes}
    errors_series = {base + 60 * m: 1.0 for m in range(10, 20)}
    errors_series.update({base + 60 * m: 20.0 for m in range(40, 44)})
    source = StaticSource({invocations: invocations_series, errors: errors_series})
    (outcome,) = backtest([spec], source, _start(), _start() + dt.timedelta(hours=1))
    assert outcome.fires == 1
    assert dt.datetime.fromtimestamp(outcome.fire_times()[0], dt.UTC).minute == 42
    assert outcome.worst == pytest.approx(20.0)


def test_a_percentile_alarm_on_a_static_series(prod_alarms: AlarmSet) -> None:
    spec = prod_alarms.find("chat-lambda-duration-p90-critical")  # p90 >= 8000 ms, 3 of 5
    assert spec.metric is not None
    base = int(_start().timestamp())
    series = {base + 60 * m: (9000.0 if 10 <= m < 13 else 500.0) for m in range(30)}
    (outcome,) = backtest([spec], StaticSource({spec.metric: series}), _start(), _start() + dt.timedelta(minutes=30))
    assert outcome.fires == 1
    assert outcome.datapoints == outcome.periods == 30
    # A window that ends after the last complete period is not evaluated.
    (cut,) = backtest([spec], StaticSource({spec.metric: series}), _start(), _start() + dt.timedelta(seconds=1830))
    assert cut.periods == 30


def test_a_rate_whose_metrics_never_arrive_stays_missing(prod_alarms: AlarmSet) -> None:
    """Issue 14: the old backtest FILLed the whole range, so a rate over metrics that never
    arrived read 0 every minute and looked healthy."""
    from dataclasses import replace

    spec = replace(prod_alarms.find("chat-lambda-error-rate-critical"), treat_missing_data="breaching")
    (silent,) = backtest([spec], StaticSource({}), _start(), _start() + dt.timedelta(minutes=10))
    assert silent.datapoints == 0
    assert silent.fires == 1  # nothing arrived: every period is missing, and missing breaches
    assert silent.transitions[0].value is None
