"""What CloudWatch's ``NewStateReason`` says in numbers: the datapoints it saw and the threshold.

``Threshold Crossed: 3 out of the last 5 datapoints [12.5 (25/11/25 10:05:00), 9.1 (...)] were
greater than or equal to the threshold (5.0) (minimum 3 datapoints for OK -> ALARM transition).``
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUMBER = r"-?\d+(?:\.\d+)?(?:[Ee][-+]?\d+)?"
_DATAPOINTS = re.compile(r"\[([^\]]*)\]")
_DATAPOINT = re.compile(rf"({_NUMBER})\s*\(([^)]*)\)")
_THRESHOLD = re.compile(rf"the threshold \(({_NUMBER})\)")
_COUNTS = re.compile(r"(\d+) out of the last (\d+) datapoints?")


@dataclass(frozen=True)
class Reason:
    """Datapoints (newest first, as CloudWatch lists them) and the threshold, when stated."""

    values: tuple[float, ...] = ()
    times: tuple[str, ...] = ()
    threshold: float | None = None
    breaching: int | None = None
    evaluated: int | None = None

    @property
    def latest(self) -> float | None:
        """The newest datapoint, if any."""
        return self.values[0] if self.values else None

    @property
    def worst(self) -> float | None:
        """The largest datapoint, if any."""
        return max(self.values) if self.values else None


def parse_reason(text: str) -> Reason:
    """The numbers in a ``NewStateReason``; empty for free text (a forced state change)."""
    values: list[float] = []
    times: list[str] = []
    block = _DATAPOINTS.search(text)
    if block:
        for value, when in _DATAPOINT.findall(block.group(1)):
            values.append(float(value))
            times.append(when.strip())
    threshold = _THRESHOLD.search(text)
    counts = _COUNTS.search(text)
    return Reason(
        values=tuple(values),
        times=tuple(times),
        threshold=float(threshold.group(1)) if threshold else None,
        breaching=int(counts.group(1)) if counts else None,
        evaluated=int(counts.group(2)) if counts else None,
    )
