"""The template ``ops`` deploys: the core from ``infra.template`` plus the contributors of the
kit's other parts (dashboards, alarms, warm-up) once they exist."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from infra.model import Stack
from infra.template import synthesize

from ops.warmup.template import repository_snapstart

# Modules that register template contributors on import (``infra.template.register_contributor``).
# infra may not import them (dependencies point from the kit to infra), so ops does.
CONTRIBUTOR_MODULES: tuple[str, ...] = ("ops.warmup.template", "dashboards.template", "alarms.template")


def load_contributors(modules: tuple[str, ...] = CONTRIBUTOR_MODULES) -> None:
    """Import every contributor module so their contributors are registered."""
    for module in modules:
        importlib.import_module(module)


def build_template(stack: Stack, stage: str, code_hashes: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The complete template of ``stack`` for ``stage``. ``code_hashes`` (``CodeKey...``
    parameter -> SHA-256 of the zip deployed under it) decides each function's published
    version; without it (``ops stack synth``) the backend's source files are hashed."""
    load_contributors()
    # SnapStart is a property of the function resource itself, so the policy sets it on the model.
    return synthesize(repository_snapstart(stack), stage, code_hashes=code_hashes)
