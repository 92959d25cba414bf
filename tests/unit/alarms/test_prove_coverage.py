"""Every alarm of the template is either proven by an `ops alarms prove` scenario or listed in
docs/observability.md with the reason the twin cannot prove it."""

from __future__ import annotations

import fnmatch
import re
from pathlib import Path

import pytest
from infra import STACK

from alarms.build import build_alarms
from ops.prove.scenarios import SCENARIOS

DOC = Path(__file__).resolve().parents[3] / "docs" / "observability.md"
SECTION = "### What the twin cannot prove (yet)"


def _documented() -> list[str]:
    text = DOC.read_text()
    assert SECTION in text, f"docs/observability.md lost its section {SECTION!r}"
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    patterns: list[str] = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and cells[0].startswith("`") and len(cells[1]) > 20:
            patterns += re.findall(r"`([^`]+)`", cells[0])
    return patterns


def _covered(slug: str, documented: list[str]) -> bool:
    proven = [p for s in SCENARIOS for p in s.expect]
    return any(fnmatch.fnmatchcase(slug, p) for p in proven + documented)


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_every_alarm_has_a_scenario_or_a_written_reason(stage: str) -> None:
    documented = _documented()
    alarm_set = build_alarms(STACK, stage)
    uncovered = [spec.slug for spec in alarm_set if not _covered(spec.slug, documented)]
    assert not uncovered, (
        f"alarms of {stage} with neither a prove scenario (ops/prove/scenarios.py) nor a reason in "
        f"docs/observability.md ({SECTION}): {', '.join(uncovered)}"
    )


def test_the_check_can_fail() -> None:
    assert not _covered("made-up-alarm-critical", _documented())
    assert _covered("chat-lambda-error-rate-critical", [])
