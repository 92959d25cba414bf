"""`--since` durations and the twin's clock."""

from __future__ import annotations

import pytest

from ops.conventions import BadInput
from ops.logs.window import TargetClock, parse_since


@pytest.mark.parametrize(("text", "seconds"), [("30s", 30), ("10m", 600), ("2h", 7200), ("1d", 86400), ("1.5m", 90)])
def test_durations(text: str, seconds: float) -> None:
    assert parse_since(text) == seconds


@pytest.mark.parametrize("text", ["10", "ten minutes", "-5m", "0s", "30d"])
def test_a_bad_duration_is_bad_input_naming_the_option(text: str) -> None:
    with pytest.raises(BadInput, match="--since"):
        parse_since(text)


def test_a_fast_twins_clock_maps_both_ways() -> None:
    clock = TargetClock(speed=30, origin=1000.0)
    assert clock.at(1010.0) == 1300.0
    assert clock.wall(1300.0) == 1010.0
    assert clock.wall_span(900) == 30
    assert TargetClock.of(None).speed == 1.0
    assert TargetClock.of({"clock_speed": 30, "clock_origin": 5}).origin == 5.0
