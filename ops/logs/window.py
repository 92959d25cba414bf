"""Time windows of the on-call commands: ``--since`` durations and the target's clock.

Metrics of the local twin are stamped with the twin's clock, which may run faster than the
wall clock (``clock_speed`` in its info file, for fast alarm tests); its log lines keep wall
time, as the functions wrote them. ``TargetClock`` maps between the two, so "the last 15
minutes" means the same span of traffic in both. Against AWS both clocks are the wall clock.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ops.conventions import BadInput

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
MAX_SINCE_S = 14 * 86400  # CloudWatch keeps 1-minute metrics about that long


def parse_since(text: str, option: str = "--since") -> float:
    """Seconds in ``text`` (``90s``, ``10m``, ``2h``, ``1d``); BadInput naming ``option`` otherwise."""
    found = _DURATION.match(text or "")
    if not found:
        raise BadInput(f"{option} {text!r} is not a duration: write it like 30s, 10m, 2h or 1d")
    seconds = float(found.group(1)) * _SECONDS[found.group(2)]
    if not 0 < seconds <= MAX_SINCE_S:
        raise BadInput(f"{option} {text!r} is out of range: between 1s and {MAX_SINCE_S // 86400}d")
    return seconds


@dataclass(frozen=True)
class TargetClock:
    """The clock the target's metrics are stamped with: ``speed`` times the wall clock from
    ``origin`` (1 and any origin: the wall clock itself)."""

    speed: float = 1.0
    origin: float = 0.0

    @classmethod
    def of(cls, info: Mapping[str, Any] | None) -> TargetClock:
        """The twin's clock from its info file; the wall clock for AWS (``info`` None)."""
        if not info:
            return cls()
        speed = float(info.get("clock_speed") or 1.0)
        return cls(speed, float(info.get("clock_origin") or 0.0)) if speed > 0 else cls()

    def now(self) -> float:
        """Now, on the target's clock (epoch seconds)."""
        return self.at(time.time())

    def at(self, wall: float) -> float:
        """The target time of wall-clock time ``wall``."""
        return wall if self.speed == 1.0 else self.origin + (wall - self.origin) * self.speed

    def wall(self, target: float) -> float:
        """The wall-clock time of target time ``target`` (where the log lines are)."""
        return target if self.speed == 1.0 else self.origin + (target - self.origin) / self.speed

    def wall_span(self, seconds: float) -> float:
        """How long ``seconds`` of target time take on the wall clock."""
        return seconds / self.speed
