"""The init phase runs without cyclic garbage collection and hands a normal collector to the
invocations, with what init built frozen out of its way."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from pathlib import Path

import pytest
from backend import init_phase

ROOT = Path(__file__).resolve().parents[3]

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
    result = subprocess.run(
        [sys.executable, "-c", _PROBE.format(name=name)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
        timeout=60,
        env={
            "PATH": "/usr/bin:/bin",
            "AWS_REGION": "us-east-1",
            "AWS_DEFAULT_REGION": "us-east-1",
            "TABLE_NAME": "t",
            "POWERTOOLS_TRACE_DISABLED": "true",
        },
    )
    state = json.loads(result.stdout.strip().splitlines()[-1])
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
