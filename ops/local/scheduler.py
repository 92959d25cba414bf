"""Scheduled functions in the twin: every function with a ``schedule`` runs on its rate.

In AWS an EventBridge Scheduler schedule invokes the function; moto stores schedules but
never fires them, so the twin does, on its own clock (``--clock-speed`` speeds it up).
Only ``rate(N minute|minutes|hour|hours|day|days)`` is supported here.
"""

from __future__ import annotations

import logging
import re
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from infra.model import Stack

from alarms.evaluator import ScaledClock

log = logging.getLogger("ops.local")

_RATE = re.compile(r"^rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)$")
_UNIT_S = {"minute": 60, "hour": 3600, "day": 86400}


class ScheduleError(ValueError):
    """A schedule expression the twin cannot run."""


def rate_seconds(expression: str) -> int:
    """Seconds between runs of ``rate(...)``; ScheduleError otherwise."""
    match = _RATE.match(expression.strip())
    if not match or int(match.group(1)) < 1:
        raise ScheduleError(f"{expression!r}: the twin runs rate(N minutes|hours|days) schedules only")
    return int(match.group(1)) * _UNIT_S[match.group(2).rstrip("s")]


def scheduled_event(function_arn: str, moment: float) -> dict[str, Any]:
    """The event EventBridge Scheduler sends a Lambda target (no input: the default one)."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.scheduler",
        "account": "123456789012",
        "time": datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": "us-east-1",
        "resources": [function_arn],
        "detail": {},
    }


class Scheduler:
    """Invokes the scheduled functions of ``stack``; ``invoke(name, event)`` starts one run
    without waiting for it."""

    def __init__(
        self, stack: Stack, clock: ScaledClock, invoke: Callable[[str, dict[str, Any]], None], arn: Callable[[str], str]
    ) -> None:
        self.clock = clock
        self._invoke = invoke
        self._arn = arn
        self.rates = {f.name: rate_seconds(f.schedule) for f in stack.functions if f.schedule}
        self.runs: dict[str, int] = dict.fromkeys(self.rates, 0)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Run the schedules in a background thread (nothing to do without any)."""
        if not self.rates:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="scheduler", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        now = self.clock.now()
        due = {name: now - now % rate + rate for name, rate in self.rates.items()}
        while not self._stop.is_set():
            now = self.clock.now()
            for name, moment in list(due.items()):
                if now >= moment:
                    self.runs[name] += 1
                    try:
                        self._invoke(name, scheduled_event(self._arn(name), moment))
                    except Exception as error:  # one failed run must not stop the schedule
                        log.warning("scheduled run of %s failed to start: %s", name, error)
                    due[name] = moment + self.rates[name]
                    while due[name] <= now:  # skip runs a stalled machine missed
                        due[name] += self.rates[name]
            wait = min(self.clock.real_seconds(m - now) for m in due.values())
            self._stop.wait(max(0.05, min(wait, 1.0)))

    def stop(self) -> None:
        """Stop the schedules."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
