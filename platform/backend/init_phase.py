"""The function's init phase without the cyclic garbage collector.

Importing the handler builds hundreds of thousands of long-lived objects (botocore's service
models, pydantic's validators, the routes). While they are built, the collector runs again
and again over a heap that only grows, and finds nothing to free: on this code that is about
45 ms of every cold start. So the handlers package turns collection off before anything else
is imported (:func:`begin`), and :func:`end`, called once the entry point exists, moves every
object built so far into the permanent generation (``gc.freeze``), where later collections
never scan it again, and turns collection back on for the invocations.
"""

from __future__ import annotations

import gc

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
