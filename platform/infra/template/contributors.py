"""The plug-in point: other parts of the kit add resources to the template.

A contributor is a function ``(stack, stage) -> {logical id: resource}``. Dashboards, alarms and
warm-up schedules register theirs (``register_contributor``) or are passed to ``synthesize``;
they find the core resources through ``infra.template.names`` (function, table, topic ids), and
a logical id that is already taken is an error rather than a silent overwrite.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from infra.model import Stack

Contributor = Callable[[Stack, str], dict[str, Any]]

_REGISTERED: list[Contributor] = []


def register_contributor(contributor: Contributor) -> Contributor:
    """Add ``contributor`` to every synthesis from now on (usable as a decorator); idempotent."""
    if contributor not in _REGISTERED:
        _REGISTERED.append(contributor)
    return contributor


def unregister_contributor(contributor: Contributor) -> None:
    """Remove ``contributor`` (tests, or a caller that wants a core-only template)."""
    if contributor in _REGISTERED:
        _REGISTERED.remove(contributor)


def registered_contributors() -> tuple[Contributor, ...]:
    """The registered contributors, in registration order."""
    return tuple(_REGISTERED)
