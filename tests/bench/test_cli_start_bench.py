"""Start-up of `ops`: `ops --help` and every `ops GROUP --help`, as whole fresh processes, against
`python -c "import typer"` (target: at most 3 times as long); and `ops stack synth` (under 1 s).

Each command and the reference run in turn, interleaved, so that both see the same state of
the machine; the median of RUNS fresh processes of each is compared. Figures are printed."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ops.cli import Ops

OPS = [str(Path(sys.executable).with_name("ops"))]
REFERENCE = [sys.executable, "-c", "import typer"]
RUNS = 7
MAX_RATIO = 3.0
COMMANDS = [["--help"], *([group, "--help"] for group in Ops.lazy)]


def _seconds(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
    return time.perf_counter() - start


def _medians(argv: list[str]) -> tuple[float, float]:
    ours, reference = [], []
    for _ in range(RUNS):
        reference.append(_seconds(REFERENCE))
        ours.append(_seconds(argv))
    return statistics.median(ours), statistics.median(reference)


@pytest.mark.parametrize("args", COMMANDS, ids=[" ".join(a) for a in COMMANDS])
def test_help_starts_within_3x_of_importing_typer(args: list[str]) -> None:
    ours, reference = _medians(OPS + args)
    ratio = ours / reference
    print(
        f"\nops {' '.join(args)}: {ours * 1000:.0f} ms, python -c 'import typer': {reference * 1000:.0f} ms, "
        f"ratio {ratio:.2f} (limit {MAX_RATIO:.0f}; load {os.getloadavg()[0]:.1f})"
    )
    assert ratio <= MAX_RATIO, f"ops {' '.join(args)} takes {ratio:.2f} x `import typer` (limit {MAX_RATIO})"


SYNTH_TARGET_S = 1.0


def test_stack_synth_is_quick(tmp_path: Path) -> None:
    """`ops stack synth` of a stage (template, dashboards, alarms, warm-up), once imported: under 1 s."""
    from typer.testing import CliRunner

    from ops.cli import app

    out = tmp_path / "dev.json"
    runner = CliRunner()
    assert runner.invoke(app, ["stack", "synth", "--output", str(out)]).exit_code == 0  # imports
    runs = []
    for _ in range(RUNS):
        start = time.perf_counter()
        assert runner.invoke(app, ["stack", "synth", "--output", str(out)]).exit_code == 0
        runs.append(time.perf_counter() - start)
    median = statistics.median(runs)
    print(f"\nops stack synth (imported): median {median * 1000:.0f} ms (target < {SYNTH_TARGET_S * 1000:.0f} ms)")
    assert median < SYNTH_TARGET_S, f"ops stack synth took {median:.2f} s (target < {SYNTH_TARGET_S} s)"
