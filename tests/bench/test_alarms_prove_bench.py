"""Every scenario of `ops alarms prove` on a twin with its clock at x30, the command's default
(about five minutes of wall time); prints the scenario table with the minutes each alarm took.
Every scenario must pass."""

from __future__ import annotations

import tempfile
from pathlib import Path

from ops.commands.alarms_prove import report, run_scenarios
from ops.local.twin import Twin, TwinConfig
from ops.prove.scenarios import SCENARIOS


def test_every_prove_scenario() -> None:
    config = TwinConfig(port=0, clock_speed=30, state_dir=Path(tempfile.mkdtemp(prefix="prove-bench-")))
    with Twin(config) as twin:
        results = run_scenarios(list(SCENARIOS), twin.info.as_dict(), print)
    report(results, list(SCENARIOS), "table")
    failed = [r for r in results if not r.passed]
    assert not failed, [(r.scenario, r.failures) for r in failed]
