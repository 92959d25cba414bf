"""The plug-in point: other parts of the kit add resources to the template.

A contributor is a function ``(stack, stage) -> {logical id: resource}``. The caller passes the
contributors to ``synthesize`` explicitly, in order (``ops.deploy.synth.contributors`` lists the
kit's: warm-up schedules, dashboards, alarms), so what a template contains never depends on
what happens to have been imported. Contributors find the core resources through
``infra.template.names`` (function, table, topic ids); a logical id that is already taken is an
error rather than a silent overwrite.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from infra.model import Stack

Contributor = Callable[[Stack, str], dict[str, Any]]
