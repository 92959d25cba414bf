"""What SnapStart must not share between restored environments, re-created after restore.

With SnapStart, Lambda snapshots an environment after init and starts every new environment
from a copy of that snapshot. Whatever init created is then shared by copies that run at the
same time: open network connections (boto3 clients and their connection pools), the fan-out
thread pool, and any generator state that ids depend on (ULID's monotonic provider keeps the
last timestamp and randomness, so two copies would issue the same id in the same
millisecond). Lambda's uniqueness guidance: re-create these in an after-restore hook.

Modules that hold such state register a reset with ``after_restore``; only modules a handler
actually imported register, so the hooks cost nothing elsewhere. ``snapshot_restore_py``
exists only in Lambda's Python runtime: outside it (tests, the local twin) nothing is
registered with the runtime, and ``run_after_restore`` is what a test calls to play a restore.
"""

from __future__ import annotations

from collections.abc import Callable

_HOOKS: list[Callable[[], None]] = []


def after_restore(hook: Callable[[], None]) -> Callable[[], None]:
    """Run ``hook`` in every environment restored from a snapshot (usable as a decorator)."""
    if hook not in _HOOKS:
        _HOOKS.append(hook)
    return hook


def run_after_restore() -> None:
    """Run every registered reset, in registration order (the runtime calls this after restore)."""
    for hook in list(_HOOKS):
        hook()


try:
    from snapshot_restore_py import register_after_restore
except ImportError:  # not in Lambda's runtime: there is no snapshot to restore from
    pass
else:  # pragma: no cover - only inside Lambda
    register_after_restore(run_after_restore)
