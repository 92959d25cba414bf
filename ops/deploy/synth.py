"""The template ``ops`` deploys: the core from ``infra.template`` plus the contributors of the
kit's other parts, listed here explicitly and in order (infra may not import them: dependencies
point from the kit to infra)."""

from __future__ import annotations

from typing import Any

from infra.model import Stack
from infra.template import Contributor, synthesize


def contributors() -> tuple[Contributor, ...]:
    """The kit's template contributors, in the order their resources join the template:
    warm-up schedules (``warmup.yaml``), dashboards, alarms and their notification path."""
    from alarms.template import alarm_resources
    from dashboards.template import dashboard_resources
    from ops.warmup.template import warmup_contributor

    return (warmup_contributor, dashboard_resources, alarm_resources)


def build_template(stack: Stack, stage: str) -> dict[str, Any]:
    """The complete template of ``stack`` for ``stage``."""
    return synthesize(stack, stage, contributors=contributors())
