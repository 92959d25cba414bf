"""Composite alarm actions suppression, as CloudWatch documents ``ActionsSuppressor``.

A composite with a suppressor changes state as usual (history shows every change); only its
*actions* are held back:

- while the suppressor is in ALARM, a change's actions are suppressed (``ActionsSuppressedBy``
  ``Alarm``);
- a change while the suppressor is not in ALARM waits up to ``ActionsSuppressorWaitPeriod``
  for it (``WaitPeriod``): suppressed if the suppressor fires meanwhile, performed when the
  wait ends otherwise (if the composite is still in that state);
- for ``ActionsSuppressorExtensionPeriod`` after the suppressor left ALARM, changes are still
  suppressed (``ExtensionPeriod``); after that, the composite acts again.

The twin's reading of the documentation, stated: a suppressed change's actions are dropped,
not replayed later, and a change back to the state last announced is not announced (an OK
after an ALARM nobody was told of), so the warning that came with an incident and cleared
with it says nothing at all, which is the point of suppressing it. Times are the caller's
clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from alarms.evaluator import ALARM, StateChange
from alarms.spec import CompositeSpec


@dataclass(frozen=True)
class Suppressed:
    """A change whose actions were not performed, and why (CloudWatch's ActionsSuppressedBy)."""

    change: StateChange
    by: str  # Alarm, WaitPeriod (the suppressor fired during the wait), ExtensionPeriod


class ActionsSuppression:
    """Decides, tick by tick, which state changes' actions run now."""

    def __init__(self, composites: Iterable[CompositeSpec]) -> None:
        self._specs = {c.name: c for c in composites if c.suppressor}
        self._pending: dict[str, tuple[StateChange, float]] = {}
        self._left_alarm: dict[str, float] = {}
        self._announced: dict[str, str] = {}
        self.suppressed: list[Suppressed] = []

    def waiting(self) -> list[str]:
        """Composites whose last change waits for its suppressor."""
        return sorted(self._pending)

    def actionable(self, now: float, changes: Iterable[StateChange], states: Mapping[str, str]) -> list[StateChange]:
        """The changes (of this tick, or held back before) whose actions run at ``now``;
        ``states`` are every alarm's states after this tick."""
        changes = list(changes)
        for change in changes:
            if change.old == ALARM and change.new != ALARM:
                self._left_alarm[change.alarm] = now
        out: list[StateChange] = []
        for change in changes:
            spec = self._specs.get(change.alarm)
            if spec is None:
                out.append(change)
                continue
            self._pending.pop(change.alarm, None)
            self._announced.setdefault(change.alarm, change.old)
            suppressor = str(spec.suppressor)
            left = self._left_alarm.get(suppressor)
            if states.get(suppressor) == ALARM:
                self.suppressed.append(Suppressed(change, "Alarm"))
            elif left is not None and now < left + spec.suppressor_extension_s:
                self.suppressed.append(Suppressed(change, "ExtensionPeriod"))
            else:
                self._pending[change.alarm] = (change, now + spec.suppressor_wait_s)
        for name, (change, deadline) in list(self._pending.items()):
            suppressor = str(self._specs[name].suppressor)
            if states.get(suppressor) == ALARM:
                del self._pending[name]
                self.suppressed.append(Suppressed(change, "WaitPeriod"))
            elif now >= deadline:
                del self._pending[name]
                if states.get(name) == change.new and self._announced.get(name) != change.new:
                    self._announced[name] = change.new
                    out.append(change)
        return out
