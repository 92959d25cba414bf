"""What the twin provisions from stored scaling: a target's minimum, or the last scheduled
action that fired (Application Auto Scaling's effect, which moto never produces)."""

from __future__ import annotations

from datetime import UTC, datetime

from infra import STACK

from ops.local.provisioned import capacity, resource_ids
from ops.warmup.cron import parse

TARGET = {"ResourceId": "function:chat-platform-call:live", "MinCapacity": 0, "MaxCapacity": 3}
UP = {"Schedule": "cron(0 9 ? * MON-FRI *)", "Timezone": "Europe/Berlin", "ScalableTargetAction": {"MinCapacity": 3}}
DOWN = {"Schedule": "cron(0 12 ? * MON-FRI *)", "Timezone": "Europe/Berlin", "ScalableTargetAction": {"MinCapacity": 0}}


def test_last_firing_respects_days_and_time_zone() -> None:
    cron = parse("cron(0 9 ? * MON-FRI *)")
    # Monday 2027-01-04 08:30 UTC is 09:30 in Berlin: fired at 09:00 Berlin, 08:00 UTC.
    fired = cron.last_firing(datetime(2027, 1, 4, 8, 30, tzinfo=UTC), "Europe/Berlin")
    assert fired is not None and fired.astimezone(UTC) == datetime(2027, 1, 4, 8, 0, tzinfo=UTC)
    # Sunday: the last firing was Friday.
    fired = cron.last_firing(datetime(2027, 1, 3, 12, 0, tzinfo=UTC), "Europe/Berlin")
    assert fired is not None and fired.date().isoweekday() == 5


def test_capacity_follows_the_action_that_fired_last() -> None:
    inside = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)  # 10:00 Berlin, Monday
    outside = datetime(2027, 1, 4, 12, 0, tzinfo=UTC)  # 13:00 Berlin
    assert capacity(TARGET, [UP, DOWN], inside) == 3
    assert capacity(TARGET, [UP, DOWN], outside) == 0
    assert capacity({**TARGET, "MinCapacity": 2}, [], outside) == 2
    assert capacity({**TARGET, "MaxCapacity": 1}, [UP, DOWN], inside) == 1


def test_the_twin_answers_for_its_names_and_every_stage() -> None:
    ids = resource_ids(STACK)
    assert ids["function:chat-platform-call:live"] == "call"
    assert ids["function:chat-platform-prod-call:live"] == "call"
    assert "function:chat-platform-call" not in ids  # unqualified: not where traffic goes
