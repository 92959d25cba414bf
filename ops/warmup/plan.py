"""Compare the desired state with what AWS holds: create, update or delete, with the reason."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from ops.warmup.desired import State

Kind = Literal["schedule", "scalable target", "scheduled action"]
Verb = Literal["create", "update", "delete"]


@dataclass(frozen=True)
class Change:
    """One difference and why."""

    verb: Verb
    kind: Kind
    name: str
    reason: str
    desired: Any = None

    def to_dict(self) -> dict[str, str]:
        return {"action": self.verb, "kind": self.kind, "name": self.name, "reason": self.reason}


def _compare(kind: Kind, want: dict[str, Any], have: dict[str, Any]) -> list[Change]:
    changes: list[Change] = []
    for name, item in sorted(want.items()):
        current = have.get(name)
        if current is None:
            changes.append(Change("create", kind, name, "missing", item))
            continue
        wanted, actual = item.comparable(), current.comparable()
        differing = [k for k in wanted if wanted[k] != actual.get(k)]
        if differing:
            detail = ", ".join(f"{k}: {actual.get(k)!r} -> {wanted[k]!r}" for k in differing)
            changes.append(Change("update", kind, name, f"changed ({detail})", item))
    changes.extend(
        Change("delete", kind, name, "not in the policy", current)
        for name, current in sorted(have.items())
        if name not in want
    )
    return changes


def plan(desired: State, actual: State) -> list[Change]:
    """Every change that makes ``actual`` match ``desired`` (empty when in sync)."""
    return (
        _compare("schedule", desired.schedules, actual.schedules)
        + _compare("scalable target", desired.targets, actual.targets)
        + _compare("scheduled action", desired.actions, actual.actions)
    )
