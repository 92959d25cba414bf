"""The init phase runs without cyclic garbage collection and hands a normal collector to the
invocations, with what init built frozen out of its way."""

from __future__ import annotations

import gc

import pytest
from backend import init_phase

from tests.support.fresh_interpreter import run_fresh

_PROBE = """
import gc, json, sys
enabled_at_start = gc.isenabled()
import backend.handlers
during_init = gc.isenabled()
import backend.handlers.{name}
print(json.dumps({{"start": enabled_at_start, "during": during_init, "after": gc.isenabled(),
                  "frozen": gc.get_freeze_count()}}))
"""


@pytest.mark.parametrize("name", ["auth", "chat", "call", "websocket", "notifier"])
def test_handler_import_collects_again_with_init_frozen(name: str) -> None:
    state = run_fresh(_PROBE.format(name=name))
    assert state["start"] is True
    assert state["during"] is False  # no collection while the handler is imported
    assert state["after"] is True  # the invocations collect normally
    assert state["frozen"] > 10_000  # what init built sits in the permanent generation


def test_end_leaves_a_collector_it_did_not_stop_alone() -> None:
    gc.disable()
    try:
        init_phase.begin()  # someone else stopped collection: not ours to restart
        init_phase.end()
        assert not gc.isenabled()
    finally:
        gc.enable()
