"""What differs between what the model generates and what is deployed: a value both alarms and
dashboards report (they may not import each other; both may import infra). It belongs with the
kit's shared CloudWatch vocabulary once that package exists."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Drift:
    """Things to create (``missing``), to update (``changed``, with what differs), and extra ones
    deployed under the stack's prefix that the model does not have; ``same`` counts the rest."""

    missing: list[str] = field(default_factory=list)
    changed: dict[str, list[str]] = field(default_factory=dict)
    extra: list[str] = field(default_factory=list)
    same: int = 0

    @property
    def clean(self) -> bool:
        """True when what is deployed matches the model."""
        return not (self.missing or self.changed or self.extra)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"missing": self.missing, "changed": self.changed, "extra": self.extra, "same": self.same}
