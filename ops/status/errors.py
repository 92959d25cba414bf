"""The most frequent error messages in the functions' logs, each with a count and one id to
follow it by (``ops logs --correlation-id ID``).

Powertools' lines carry the request's correlation id. The runtime's uncaught-error line names
no id at all (as on AWS): its invocation is the one whose START line precedes it in the same
log stream (an execution environment serves one invocation at a time), so its Lambda request
id is looked up there, once per message shown.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from typing import Any

from ops.logs.lines import LogLine
from ops.logs.search import Query, search
from ops.status.report import ErrorGroup

_IDS = re.compile(r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b|\b[0-9A-Z]{26}\b")
_NUMBERS = re.compile(r"\b\d{4,}\b")
MAX_SCANNED = 5000


def signature(message: str) -> str:
    """``message`` with ids and long numbers blanked, so one error's lines count together."""
    return _NUMBERS.sub("<n>", _IDS.sub("<id>", message.split("\n", 1)[0]))[:300]


def _request_of(logs: Any, group: str, line: LogLine, timeout_ms: float) -> str | None:
    """The Lambda request id of the invocation that wrote ``line`` (the START before it)."""
    if not line.stream:
        return None
    answer = logs.filter_log_events(
        logGroupName=group,
        logStreamNames=[line.stream],
        startTime=int(line.timestamp_ms - timeout_ms - 1000),
        endTime=line.timestamp_ms + 1,
        filterPattern="START",
    )
    starts = [e for e in answer.get("events") or [] if str(e.get("message", "")).startswith("START RequestId:")]
    if not starts:
        return None
    return str(max(starts, key=lambda e: e["timestamp"])["message"]).split()[2]


def top_errors(
    logs: Any,
    groups: Mapping[str, str],
    timeouts_ms: Mapping[str, float],
    start_ms: int,
    end_ms: int,
    limit: int = 8,
) -> tuple[list[ErrorGroup], bool]:
    """The ``limit`` most frequent (function, message) pairs among ERROR lines, and whether
    more lines were logged than scanned."""
    found = search(logs, Query(groups, start_ms, end_ms, term="ERROR", level="ERROR", limit=MAX_SCANNED))
    counts: Counter[tuple[str, str]] = Counter()
    examples: dict[tuple[str, str], LogLine] = {}
    for line in found.lines:
        key = (line.function, signature(line.message))
        counts[key] += 1
        best = examples.get(key)
        # The example: the latest line that names an id, else the latest line.
        if best is None or (line.correlation_id or line.request_id or not (best.correlation_id or best.request_id)):
            examples[key] = line
    groups_out: list[ErrorGroup] = []
    for (function, message), count in counts.most_common(limit):
        example = examples[(function, message)]
        example_id: str | None
        if example.correlation_id:
            example_id, kind = example.correlation_id, "correlation"
        elif example.request_id:
            example_id, kind = example.request_id, "request"
        else:
            example_id, kind = _request_of(logs, groups[function], example, timeouts_ms.get(function, 0.0)), "request"
        groups_out.append(ErrorGroup(function, message, count, example_id, kind))
    return groups_out, bool(found.truncated)
