"""Validation of warmup.yaml against the stack model: each problem named, nothing applied."""

from __future__ import annotations

from decimal import Decimal

import pytest
from infra import STACK

from ops.warmup.cron import CronError, parse
from ops.warmup.policy import PolicyError, parse_policy


def _policy(**functions):
    return parse_policy({"functions": functions}, STACK)


def _problems(**functions) -> list[str]:
    with pytest.raises(PolicyError) as caught:
        _policy(**functions)
    return caught.value.problems


def test_the_repository_policy_is_valid() -> None:
    from pathlib import Path

    from ops.warmup.policy import load_policy

    policy = load_policy(Path(__file__).resolve().parents[3] / "warmup.yaml", STACK)
    assert {f.function for f in policy.functions} <= {f.name for f in STACK.functions}


def test_unknown_function() -> None:
    (problem,) = _problems(chatt={"method": "ping", "windows": ["always"]})
    assert problem.startswith("functions.chatt:") and "known: auth, chat" in problem


@pytest.mark.parametrize(
    ("cron", "fragment"),
    [
        ("cron(* 25 ? * * *)", "hours: 25 is outside 0-23"),
        ("cron(* 8 * * * *)", "exactly one of day-of-month and day-of-week"),
        ("cron(* 8 ? * * )", "has 5 fields"),
        ("0 8 * * ?", "is not of the form cron("),
        ("cron(* 8-6 ? * * *)", "runs backwards"),
        ("cron(* 8 ? * FUNDAY *)", "day-of-week"),
        ("cron(0 8 ? * MON *)", "minutes field must be '*'"),
    ],
)
def test_bad_cron(cron, fragment) -> None:
    (problem,) = _problems(chat={"method": "ping", "windows": [{"cron": cron, "timezone": "UTC"}]})
    assert problem.startswith("functions.chat.windows[0].cron:")
    assert fragment in problem


def test_unknown_time_zone() -> None:
    (problem,) = _problems(
        chat={"method": "ping", "windows": [{"cron": "cron(* 8 ? * * *)", "timezone": "Mars/Olympus"}]}
    )
    assert problem.startswith("functions.chat.windows[0].timezone:")


def test_overlapping_windows_across_time_zones() -> None:
    # 08:00-09:59 in Berlin (UTC+1 in January) overlaps 07:00 UTC
    (problem,) = _problems(
        chat={
            "method": "ping",
            "windows": [
                {"cron": "cron(* 8-9 ? * MON *)", "timezone": "Europe/Berlin"},
                {"cron": "cron(* 7 ? * MON *)", "timezone": "UTC"},
            ],
        }
    )
    assert "overlap" in problem


def test_adjacent_windows_do_not_overlap() -> None:
    policy = _policy(
        chat={
            "method": "ping",
            "windows": [
                {"cron": "cron(* 8-9 ? * MON *)", "timezone": "Europe/Berlin"},
                {"cron": "cron(* 9 ? * MON *)", "timezone": "UTC"},
            ],
        }
    )
    assert len(policy.functions[0].windows) == 2


def test_always_overlaps_everything() -> None:
    (problem,) = _problems(chat={"method": "ping", "windows": ["always", {"cron": "cron(* 3 ? * * *)"}]})
    assert "overlap" in problem


def test_concurrency_above_the_function_limit() -> None:
    (problem,) = _problems(chat={"method": "provisioned", "concurrency": 5000, "windows": ["always"]})
    assert "above the function's limit of 1000" in problem


def test_too_many_pings() -> None:
    (problem,) = _problems(chat={"method": "ping", "concurrency": 21, "windows": ["always"]})
    assert "use method: provisioned" in problem


def test_every_problem_is_reported_at_once() -> None:
    problems = _problems(
        nope={"method": "ping", "windows": ["always"]},
        chat={"method": "warm", "windows": ["always"]},
        auth={"method": "ping", "concurrency": 0, "windows": ["always"]},
    )
    assert len(problems) == 3


def test_cron_expansion() -> None:
    cron = parse("cron(* 8-10,14 ? * MON-FRI *)")
    assert cron.hours == {8, 9, 10, 14}
    assert cron.days_of_week == {2, 3, 4, 5, 6}
    assert cron.with_minutes("0/5") == "cron(0/5 8-10,14 ? * MON-FRI *)"
    with pytest.raises(CronError):
        parse("cron(* * ? * * * *)")


def test_window_hours_per_month() -> None:
    from ops.warmup.cost import window_hours_per_month

    policy = _policy(chat={"method": "ping", "windows": [{"cron": "cron(* 8-19 ? * MON-FRI *)", "timezone": "UTC"}]})
    # 12 hours x 5 days a week = 60 of 168 hours; 730 x 60 / 168 = 260.71
    assert window_hours_per_month(policy.functions[0].windows) == Decimal("260.71")
