"""Short garbage-collection pauses for the twin's long-running processes.

The embedded AWS holds every stored item and the gateway every open connection and telemetry
sample. Both heaps only grow during a run, and a full collection walks all of it with every
thread stopped: up to 150 ms in moto's process and 600 ms in the gateway's at 25 sends/s
(`make bench`). While the gateway stood still, frames queued up, and afterwards they reached
the websocket function all at once and were throttled. While moto stood still, every Lambda
instance waited on it.

:class:`SurvivorFreezer` moves what has survived so far into the permanent generation
(``gc.freeze``) every few seconds, after a collection of the young generations, so a full
collection only walks what is new. The price: a reference cycle that becomes garbage after
it was frozen is never freed. Stored items and connections hold no cycles, so this stays
small for a local twin; it is not something to do in a Lambda function.
"""

from __future__ import annotations

import gc
import threading

INTERVAL_S = 5.0


class SurvivorFreezer:
    """A daemon thread freezing survivors every ``interval_s`` until :meth:`stop`."""

    def __init__(self, interval_s: float = INTERVAL_S) -> None:
        self._interval_s = interval_s
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Freeze what exists now (modules, models), then keep freezing survivors."""
        gc.freeze()
        self._thread = threading.Thread(target=self._run, name="gc-freezer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stopped.wait(self._interval_s):
            gc.collect(1)  # young cycles first (short), so that little garbage is frozen
            gc.freeze()

    def stop(self) -> None:
        """Stop freezing (what is frozen stays frozen)."""
        self._stopped.set()
        if self._thread is not None:
            self._thread.join(timeout=self._interval_s + 1)
            self._thread = None
