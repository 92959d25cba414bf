"""The function's init phase without the cyclic garbage collector.

Importing the handler builds hundreds of thousands of long-lived objects (botocore's service
models, pydantic's validators, the routes). While they are built, the collector runs again
and again over a heap that only grows, and finds nothing to free: on this code that is about
45 ms of every cold start. So the handlers package turns collection off before anything else
is imported (:func:`begin`), and :func:`end`, called once the entry point exists, moves every
object built so far into the permanent generation (``gc.freeze``), where later collections
never scan it again, and turns collection back on for the invocations.

:func:`paid_ahead` tells a handler whether its init runs before any user waits for it
(provisioned concurrency, SnapStart) or inside a user's cold start (on demand).
"""

from __future__ import annotations

import gc
import os

_disabled_here = False


def begin() -> None:
    """Stop cyclic collection until :func:`end` (a no-op if someone already stopped it)."""
    global _disabled_here
    if gc.isenabled():
        gc.disable()
        _disabled_here = True


def end() -> None:
    """Freeze what init built and collect normally from here on."""
    global _disabled_here
    if _disabled_here:
        gc.freeze()
        gc.enable()
        _disabled_here = False


# What Lambda sets in AWS_LAMBDA_INITIALIZATION_TYPE when nobody waits for the init phase.
_AHEAD_OF_TRAFFIC = frozenset({"provisioned-concurrency", "snap-start"})


def paid_ahead() -> bool:
    """True when this environment is initialized ahead of traffic (provisioned concurrency or a
    SnapStart snapshot): init may then build what only some requests need. On demand (or
    outside Lambda) a user waits for init, so it builds only what every request needs."""
    return os.environ.get("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand") in _AHEAD_OF_TRAFFIC
