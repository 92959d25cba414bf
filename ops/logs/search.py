"""Reading the functions' log groups with FilterLogEvents (a paginator per group, the groups
in parallel), the same calls against AWS and the local twin (which writes each function's
output to ``/aws/lambda/<function name>`` in its embedded AWS, as Lambda does).

Filtering is split on purpose. The server gets at most one plain term (``ERROR``, or the
quoted ``--filter`` text or id), which CloudWatch and moto match alike; levels and the rest
are checked here. JSON filter patterns (``{ $.level = "ERROR" }``) would be cheaper on AWS, but
moto ignores them (it returns every line), and a level pattern would miss Lambda's own plain-text
error lines (uncaught errors, timeouts), which an on-call engineer needs most.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any

from ops.logs.lines import LogLine, is_metrics, parse

DEFAULT_LIMIT = 2000
# Events read from one group at most (a bound on time and cost when a window is busy).
MAX_SCANNED = 50_000
FOLLOW_INTERVAL_S = 2.0


@dataclass(frozen=True)
class Query:
    """Which lines: the log groups (function -> group), a time range in epoch milliseconds
    (wall clock), a server-side term, and the client-side checks."""

    groups: Mapping[str, str]
    start_ms: int
    end_ms: int
    term: str | None = None
    level: str | None = None
    text: str | None = None
    limit: int = DEFAULT_LIMIT

    def keeps(self, line: LogLine) -> bool:
        """Whether ``line`` passes the client-side checks."""
        if self.level is not None and not line.at_least(self.level):
            return False
        return self.text is None or self.text in line.raw


@dataclass
class Found:
    """What a search found: the lines in time order, and whether any group held more."""

    lines: list[LogLine]
    truncated: list[str]
    missing_groups: list[str]


def quoted(text: str) -> str:
    """``text`` as one exact term of a CloudWatch filter pattern."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def level_term(level: str | None) -> str | None:
    """The plain term that every line of ``level`` or above contains, if there is one: ERROR
    lines (JSON ``"level":"ERROR"`` and the runtime's ``[ERROR]``) say ``ERROR``; CRITICAL ones
    do not, so only an ERROR filter can be sent to the server."""
    return "ERROR" if level == "ERROR" else None


def _group_lines(
    logs: Any, function: str, group: str, query: Query, stream: str | None = None
) -> tuple[list[LogLine], bool, bool]:
    """(lines, truncated, group missing) of one group."""
    args: dict[str, Any] = {"logGroupName": group, "startTime": query.start_ms, "endTime": query.end_ms}
    if query.term:
        args["filterPattern"] = query.term
    if stream is not None:
        args["logStreamNames"] = [stream]
    # The newest ``limit`` lines are kept: FilterLogEvents answers oldest first.
    lines: deque[LogLine] = deque(maxlen=query.limit)
    kept = scanned = 0
    try:
        for page in logs.get_paginator("filter_log_events").paginate(**args):
            for event in page.get("events") or []:
                scanned += 1
                message = str(event.get("message") or "")
                if is_metrics(message):
                    continue
                line = parse(event, function)
                if query.keeps(line):
                    lines.append(line)
                    kept += 1
            if scanned >= MAX_SCANNED:
                break
    except logs.exceptions.ResourceNotFoundException:
        return [], False, True  # a function never invoked has no log group yet
    return list(lines), kept > query.limit or scanned >= MAX_SCANNED, False


def search(logs: Any, query: Query) -> Found:
    """Every line of ``query`` in the groups, in time order."""
    names = list(query.groups)
    with ThreadPoolExecutor(max_workers=min(8, max(1, len(names)))) as pool:
        answers = list(pool.map(lambda name: _group_lines(logs, name, query.groups[name], query), names))
    lines: list[LogLine] = []
    truncated, missing = [], []
    for name, (found, cut, absent) in zip(names, answers, strict=True):
        lines += found
        if cut:
            truncated.append(name)
        if absent:
            missing.append(name)
    lines.sort(key=lambda line: (line.timestamp_ms, line.function, line.event_id))
    return Found(lines, truncated, missing)


def by_correlation_id(logs: Any, query: Query, correlation_id: str) -> Found:
    """One request's lines from every function it touched, in time order.

    1. the lines that name ``correlation_id`` (Powertools puts it on every line of a request);
    2. for each invocation they belong to (``function_request_id``), Lambda's own lines that name
       its request id (START, END, REPORT with the duration);
    3. everything the invocation's log stream holds between its START and END, which adds lines
       that name neither id (the runtime's uncaught error and its traceback).
    """
    first = search(logs, replace(query, term=quoted(correlation_id)))
    invocations = {(line.function, line.request_id) for line in first.lines if line.request_id}
    seen = {line.event_id: line for line in first.lines}

    def platform_lines(item: tuple[str, str | None]) -> list[LogLine]:
        function, request_id = item
        assert request_id is not None
        narrowed = replace(query, groups={function: query.groups[function]}, term=quoted(request_id), text=None)
        lines = search(logs, narrowed).lines
        starts = [line for line in lines if line.message.startswith("START")]
        ends = [line for line in lines if line.message.startswith(("END", "REPORT"))]
        if starts and ends:
            inside = replace(
                narrowed, term=None, start_ms=starts[0].timestamp_ms, end_ms=max(e.timestamp_ms for e in ends) + 1
            )
            lines += _group_lines(logs, function, query.groups[function], inside, stream=starts[0].stream)[0]
        return lines

    with ThreadPoolExecutor(max_workers=8) as pool:
        for lines in pool.map(platform_lines, sorted(invocations, key=str)):
            for line in lines:
                seen.setdefault(line.event_id, line)
    ordered = sorted(seen.values(), key=lambda line: (line.timestamp_ms, line.function, line.event_id))
    return Found(ordered, first.truncated, first.missing_groups)


def follow(
    logs: Any,
    query: Query,
    show: Callable[[Iterable[LogLine]], None],
    *,
    stop: Callable[[], bool] = lambda: False,
    interval_s: float = FOLLOW_INTERVAL_S,
    now_ms: Callable[[], int] = lambda: int(time.time() * 1000),
) -> None:
    """Show ``query``'s lines, then new ones as they arrive, until ``stop()`` (or Ctrl-C)."""
    seen: set[str] = set()
    start = query.start_ms
    while True:
        end = now_ms()
        found = search(logs, replace(query, start_ms=start, end_ms=end + 1))
        fresh = [line for line in found.lines if line.event_id not in seen]
        seen.update(line.event_id for line in fresh)
        if fresh:
            show(fresh)
            # Lines can arrive a little late (batched delivery): look back a few seconds.
            start = max(start, fresh[-1].timestamp_ms - 5000)
        if stop():
            return
        time.sleep(interval_s)
