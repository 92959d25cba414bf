"""The one place where the real adapters are wired (and where tests put their fakes)."""

from __future__ import annotations

from dataclasses import dataclass

from backend.realtime.fanout import Fanout
from backend.realtime.sender import ConnectionSender, ManagementApiSender
from backend.settings import get_settings
from backend.snapstart import after_restore


@dataclass
class _Adapters:
    sender: ConnectionSender | None = None
    fanout: Fanout | None = None


_current = _Adapters()


def sender() -> ConnectionSender:
    """The management API sender (built on first use from the settings)."""
    if _current.sender is None:
        _current.sender = ManagementApiSender.from_settings(get_settings())
    return _current.sender


def fanout() -> Fanout:
    """The fan-out pool of this environment."""
    if _current.fanout is None:
        _current.fanout = Fanout(get_settings().fanout_pool_size)
    return _current.fanout


@after_restore
def _new_pool_and_connections() -> None:
    # The snapshot's fan-out threads and management-API connections belong to the snapshot:
    # each restored environment builds its own on first use.
    if _current.fanout is not None:
        _current.fanout.close()
    _current.sender = None
    _current.fanout = None


def use(*, sender: ConnectionSender | None = None, fanout: Fanout | None = None) -> None:
    """Replace adapters (tests, benchmarks); ``None`` resets that adapter to the real one."""
    _current.sender = sender
    _current.fanout = fanout
