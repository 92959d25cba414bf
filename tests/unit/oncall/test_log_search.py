"""Searching the log groups: newest lines kept, levels checked here, following new lines."""

from __future__ import annotations

import json
from typing import Any

from ops.logs.search import Query, follow, search


class _NotFound(Exception):
    pass


class FakeLogs:
    """FilterLogEvents over in-memory groups (plain-term matching, as moto and CloudWatch do)."""

    class exceptions:
        ResourceNotFoundException = _NotFound

    def __init__(self, groups: dict[str, list[dict[str, Any]]]) -> None:
        self.groups = groups
        self.terms: list[str | None] = []

    def get_paginator(self, name: str) -> FakeLogs:
        assert name == "filter_log_events"
        return self

    def paginate(self, **args: Any) -> list[dict[str, Any]]:
        if args["logGroupName"] not in self.groups:
            raise _NotFound
        term = args.get("filterPattern")
        self.terms.append(term)
        events = [
            e
            for e in self.groups[args["logGroupName"]]
            if args["startTime"] <= e["timestamp"] < args["endTime"] and (not term or term.strip('"') in e["message"])
        ]
        return [{"events": events[:2]}, {"events": events[2:]}]


def _line(ts: int, level: str, message: str) -> dict[str, Any]:
    text = json.dumps({"level": level, "message": message, "correlation_id": "c1"})
    return {"timestamp": ts, "message": text, "eventId": f"e{ts}", "logStreamName": "s"}


def test_levels_are_checked_here_and_the_newest_lines_kept() -> None:
    logs = FakeLogs({"/aws/lambda/chat": [_line(t, "ERROR" if t % 2 else "INFO", f"m{t}") for t in range(1, 9)]})
    found = search(logs, Query({"chat": "/aws/lambda/chat"}, 0, 100, term="ERROR", level="ERROR", limit=2))
    assert [line.message for line in found.lines] == ["m5", "m7"]
    assert found.truncated == ["chat"]
    assert logs.terms == ["ERROR"]


def test_a_group_not_created_yet_is_reported_not_fatal() -> None:
    found = search(FakeLogs({}), Query({"call": "/aws/lambda/call"}, 0, 100))
    assert found.lines == [] and found.missing_groups == ["call"]


def test_follow_shows_each_line_once_as_it_arrives() -> None:
    events = [_line(10, "INFO", "first")]
    logs = FakeLogs({"/aws/lambda/chat": events})
    shown: list[list[str]] = []
    polls = iter(range(3))

    def show(lines: Any) -> None:
        shown.append([line.message for line in lines])
        events.append(_line(20, "INFO", "second"))  # arrives after the first poll

    follow(
        logs,
        Query({"chat": "/aws/lambda/chat"}, 0, 0),
        show,
        stop=lambda: next(polls) >= 2,
        interval_s=0,
        now_ms=lambda: 100,
    )
    assert shown == [["first"], ["second"]]
