"""Scheduled functions in the twin: a function with ``schedule`` runs on its rate of the
twin's clock (EventBridge Scheduler's event), which moto never does."""

from __future__ import annotations

import dataclasses
import time

from ops.local.twin import Twin, TwinConfig
from tests.support.twin import ROOT, probe_stack


def test_a_scheduled_function_runs_on_its_rate_of_the_twin_clock() -> None:
    stack = probe_stack()
    functions = tuple(
        dataclasses.replace(f, schedule="rate(1 minute)") if f.name == "probe" else f for f in stack.functions
    )
    config = TwinConfig(
        port=0,
        stack=dataclasses.replace(stack, functions=functions),
        python_path=(str(ROOT),),
        clock_speed=60,
        alarms=False,
        concurrency=2,
    )
    with Twin(config) as twin:
        scheduler = twin.scheduler
        assert scheduler is not None
        assert scheduler.rates["probe"] == 60
        time.sleep(4.5)  # four and a half minutes of the twin's clock
        runs = scheduler.runs["probe"]
        invoked = twin.lambdas.runtime("probe").invocations if twin.lambdas else 0
    assert 3 <= runs <= 6
    assert invoked >= runs - 1  # the last run may still be starting
    # Functions without a schedule are never invoked by it.
    assert "chat" not in scheduler.runs
    assert "chat" not in scheduler.rates
