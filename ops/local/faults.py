"""Faults injected into the local twin: what breaks, for how long, shared through one file.

``ops local fault inject`` writes the file; the twin's runtime and gateway and the embedded
AWS process read it (re-read only when it changes). A fault changes how the *twin* behaves,
never the backend's code, so clients see what they would see in AWS:

- ``function-errors``: the function raises on every user invocation (warm-up pings pass);
- ``notifier-broken``: the same, for the notifier function;
- ``dependency-throttle``: DynamoDB answers ``ProvisionedThroughputExceededException``;
- ``signing-keys-unavailable``: the user pool's JWKS endpoint answers 503;
- ``management-api-errors``: ``@connections`` posts answer 500;
- ``api-outage``: REST answers 503 and WebSocket upgrades are refused, recording nothing
  (as when the API cannot be reached at all).

Expiry (``--for``) is wall-clock time, so every process of the twin agrees on it.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

KINDS: dict[str, str] = {
    "function-errors": "the function (--function) raises on every user invocation; warm-up pings pass",
    "dependency-throttle": "DynamoDB answers ProvisionedThroughputExceededException",
    "signing-keys-unavailable": "the user pool's JWKS endpoint answers 503",
    "management-api-errors": "@connections posts answer 500",
    "api-outage": "REST answers 503 and WebSocket upgrades are refused (nothing reaches API Gateway)",
    "notifier-broken": "the notifier function raises on every invocation",
}
NEEDS_FUNCTION = frozenset({"function-errors"})
ENV_VAR = "TWIN_FAULTS_FILE"


class FaultError(ValueError):
    """A fault request that cannot be honoured (unknown kind, missing function)."""


@dataclass(frozen=True)
class Fault:
    """One injected fault; ``until`` is epoch seconds (wall clock), None: until cleared."""

    kind: str
    function: str | None = None
    until: float | None = None
    since: float = 0.0

    def active(self, now: float | None = None) -> bool:
        """Whether the fault is in force at ``now``."""
        return self.until is None or (now if now is not None else time.time()) < self.until

    def matches(self, kind: str, function: str | None = None) -> bool:
        """Whether this fault is ``kind`` (for ``function``, when the kind names one)."""
        if self.kind != kind:
            return False
        return self.function is None or function is None or self.function == function


def read_faults(path: Path) -> list[Fault]:
    """The faults in ``path`` (none when it does not exist)."""
    try:
        raw = json.loads(path.read_text() or "[]")
    except FileNotFoundError:
        return []
    except ValueError as error:
        raise FaultError(f"{path} is not a faults file (JSON list expected): {error}") from None
    if not isinstance(raw, list):
        raise FaultError(f"{path} is not a faults file (JSON list expected)")
    return [Fault(**{k: v for k, v in item.items() if k in Fault.__dataclass_fields__}) for item in raw]


def write_faults(path: Path, faults: list[Fault]) -> None:
    """Replace the faults in ``path`` (atomically: readers never see half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".faults-")
    with os.fdopen(fd, "w") as handle:
        json.dump([asdict(f) for f in faults], handle, indent=2)
    os.replace(temporary, path)


def inject(path: Path, kind: str, function: str | None = None, duration_s: float | None = None) -> Fault:
    """Add a fault (replacing one of the same kind and function); the fault."""
    if kind not in KINDS:
        raise FaultError(f"unknown fault kind {kind!r}; known: {', '.join(KINDS)}")
    if kind in NEEDS_FUNCTION and not function:
        raise FaultError(f"{kind} needs --function NAME (the function that should fail)")
    now = time.time()
    fault = Fault(kind, function, now + duration_s if duration_s else None, now)
    kept = [f for f in read_faults(path) if f.active(now) and not (f.kind == kind and f.function == function)]
    write_faults(path, [*kept, fault])
    return fault


def clear(path: Path, kind: str | None = None) -> list[Fault]:
    """Remove the faults of ``kind`` (every fault when None); the ones removed."""
    if kind is not None and kind not in KINDS:
        raise FaultError(f"unknown fault kind {kind!r}; known: {', '.join(KINDS)}")
    faults = read_faults(path)
    removed = [f for f in faults if kind is None or f.kind == kind]
    write_faults(path, [f for f in faults if f not in removed])
    return removed


class FaultBoard:
    """The twin's view of the faults file, re-read only when the file changes."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._faults: list[Fault] = []

    def current(self) -> list[Fault]:
        """The faults in force now."""
        if self.path is None:
            return []
        try:
            info = os.stat(self.path)
            stamp = (info.st_mtime_ns, info.st_size)
        except OSError:
            stamp = None
        with self._lock:
            if stamp != self._stamp:
                self._stamp = stamp
                faults: list[Fault] = []
                if stamp is not None:
                    with contextlib.suppress(FaultError, OSError, TypeError):
                        faults = read_faults(self.path)
                self._faults = faults
            now = time.time()
            return [f for f in self._faults if f.active(now)]

    def active(self, kind: str, function: str | None = None) -> bool:
        """Whether ``kind`` (for ``function``) is injected now."""
        return any(f.matches(kind, function) for f in self.current())


def board_from_env() -> FaultBoard:
    """The board of the file named by ``TWIN_FAULTS_FILE`` (the embedded AWS process)."""
    value = os.environ.get(ENV_VAR)
    return FaultBoard(Path(value) if value else None)


def as_rows(faults: list[Fault]) -> list[dict[str, Any]]:
    """Faults as JSON-ready rows (``until`` and ``since`` as ISO times)."""

    def iso(ts: float | None) -> str | None:
        return None if ts is None else time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))

    return [{"kind": f.kind, "function": f.function, "since": iso(f.since), "until": iso(f.until)} for f in faults]
