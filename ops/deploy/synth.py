"""The template ``ops`` deploys: the core from ``infra.template`` plus the contributors of the
kit's other parts, listed here explicitly and in order (infra may not import them: dependencies
point from the kit to infra)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from infra.model import Stack
from infra.template import Contributor, synthesize

from ops.warmup.template import repository_snapstart


def contributors() -> tuple[Contributor, ...]:
    """The kit's template contributors, in the order their resources join the template:
    warm-up schedules (``warmup.yaml``), dashboards, alarms and their notification path."""
    from alarms.template import alarm_resources
    from dashboards.template import dashboard_resources
    from ops.warmup.template import warmup_contributor

    return (warmup_contributor, dashboard_resources, alarm_resources)


def build_template(stack: Stack, stage: str, code_hashes: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The complete template of ``stack`` for ``stage``. ``code_hashes`` (``CodeKey...``
    parameter -> SHA-256 of the zip deployed under it) decides each function's published
    version; without it (``ops stack synth``) the backend's source files are hashed."""
    # SnapStart is a property of the function resource itself, so the policy sets it on the model.
    return synthesize(repository_snapstart(stack), stage, code_hashes=code_hashes, contributors=contributors())
