"""The dependency arrows of the README, enforced: ops -> {infra, dashboards, alarms, kit, backend};
dashboards -> {infra, kit, alarms}; alarms -> {infra, kit}; kit -> infra; infra and backend
import none of the others.

Read from the source with ``ast`` (no import needed), including imports inside functions."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = {
    "backend": ROOT / "platform" / "backend",
    "infra": ROOT / "platform" / "infra",
    "ops": ROOT / "ops",
    "dashboards": ROOT / "dashboards",
    "alarms": ROOT / "alarms",
    "kit": ROOT / "kit",
}
ALLOWED = {
    "backend": set(),
    "infra": set(),
    # Dashboards draw every alarm's threshold and state, so they read the alarm set; alarms never
    # read dashboards (they name a dashboard through kit.target). The CloudWatch vocabulary both
    # use (metric catalogue, expressions, sources, targets) is kit's.
    "dashboards": {"infra", "kit", "alarms"},
    "alarms": {"infra", "kit"},
    "kit": {"infra"},
    "ops": {"infra", "dashboards", "alarms", "kit", "backend"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found & set(PACKAGES)


def _files(package: str) -> list[Path]:
    return sorted(PACKAGES[package].rglob("*.py"))


@pytest.mark.parametrize("package", list(PACKAGES))
def test_imports_follow_the_arrows(package: str) -> None:
    wrong: list[str] = []
    for path in _files(package):
        relative = str(path.relative_to(ROOT))
        allowed = ALLOWED[package] | {package}
        wrong += [f"{relative} imports {other}" for other in sorted(_imports(path) - allowed)]
    assert not wrong, "\n".join(wrong)
