"""The metric-math evaluator the backtest and the preview use instead of CloudWatch."""

from __future__ import annotations

import pytest

from kit.expressions import Evaluator, ExpressionError, references

GRID = [0, 60, 120, 180]


def evaluator(**series: dict[int, float]) -> Evaluator:
    return Evaluator(series, GRID, 60)


def test_arithmetic_keeps_timestamps_both_series_have() -> None:
    ev = evaluator(a={0: 2.0, 60: 4.0, 120: 6.0}, b={0: 1.0, 120: 3.0})
    assert ev.series_of("a / b * 10") == {0: 20.0, 120: 20.0}
    assert ev.series_of("-a + 1") == {0: -1.0, 60: -3.0, 120: -5.0}


def test_fill_covers_the_whole_grid_and_division_by_zero_is_missing() -> None:
    ev = evaluator(a={60: 5.0})
    assert ev.series_of("FILL(a, 0)") == {0: 0.0, 60: 5.0, 120: 0.0, 180: 0.0}
    assert ev.series_of("1 / FILL(a, 0)") == {60: 0.2}


def test_if_chooses_per_timestamp() -> None:
    ev = evaluator(n={0: 1.0, 60: 30.0}, d={0: 2.0, 60: 100.0})
    assert ev.series_of("IF(d >= 10, 100 * n / d, 0)") == {0: 0.0, 60: 30.0}
    assert ev.series_of("IF(d > 10 AND n > 1, 1, 0)") == {0: 0.0, 60: 1.0}


def test_sum_of_an_array_is_a_series_and_of_a_series_a_number() -> None:
    ev = evaluator(a={0: 1.0, 60: 2.0}, b={60: 3.0})
    assert ev.series_of("SUM([a, b])") == {0: 1.0, 60: 5.0}
    assert ev.evaluate("SUM(a)") == 3.0
    assert ev.series_of("MAX([a, b])") == {0: 1.0, 60: 3.0}


def test_period_and_search() -> None:
    def search(query: str, stat: str, period: int) -> list[dict[int, float]]:
        assert (query, stat, period) == ('{NS,service} MetricName="X"', "Sum", 300)
        return [{0: 1.0}, {0: 2.0, 60: 4.0}]

    ev = Evaluator({}, GRID, 300, search)
    assert ev.series_of("SUM(SEARCH('{NS,service} MetricName=\"X\"', 'Sum', 300))") == {0: 3.0, 60: 4.0}
    ev.series["m"] = {0: 1.0}
    assert ev.evaluate("PERIOD(m)") == 300.0
    assert ev.series_of("m * 2592000 / PERIOD(m)") == {0: 8640.0}


def test_references_ignore_strings_and_functions() -> None:
    assert references("IF(FILL(den0, 0) >= 10, 100 * num / den0, 0)") == {"den0", "num"}
    assert references("SUM(SEARCH('{A,b} c=\"d\"', 'Sum', 60))") == set()


@pytest.mark.parametrize("text", ["a +", "FOO(a)", "unknown", "IF(a)", "a $ b"])
def test_bad_expressions_are_errors(text: str) -> None:
    with pytest.raises(ExpressionError):
        evaluator(a={0: 1.0}).evaluate(text)
