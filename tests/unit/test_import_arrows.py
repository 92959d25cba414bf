"""The dependency arrows of the README, enforced: ops -> {infra, dashboards, alarms, kit, backend};
dashboards, alarms -> {infra, kit}; kit -> infra; infra and backend import none of the others.

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
    "dashboards": {"infra", "kit"},
    "alarms": {"infra", "kit"},
    "kit": {"infra"},
    "ops": {"infra", "dashboards", "alarms", "kit", "backend"},
}
# Known debt, to be emptied: dashboards reads the alarms' CloudWatch vocabulary (metric catalogue,
# expressions, sources, thresholds, targets) until it moves into a package of its own (issue 17).
# A new file importing alarms from dashboards fails; so does a file here that no longer does.
DASHBOARDS_USING_ALARMS = {
    "dashboards/build.py",
    "dashboards/context.py",
    "dashboards/cost.py",
    "dashboards/function.py",
    "dashboards/graphs.py",
    "dashboards/lambda_graphs.py",
    "dashboards/overview.py",
    "dashboards/preview/data.py",
    "dashboards/template.py",
    "dashboards/validate.py",
    "dashboards/widgets.py",
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
        if relative in DASHBOARDS_USING_ALARMS:
            allowed = allowed | {"alarms"}
        wrong += [f"{relative} imports {other}" for other in sorted(_imports(path) - allowed)]
    assert not wrong, "\n".join(wrong)


def test_the_known_debt_is_still_debt() -> None:
    """A file that stopped importing alarms leaves the list (so the list only shrinks)."""
    stale = [name for name in DASHBOARDS_USING_ALARMS if "alarms" not in _imports(ROOT / name)]
    assert not stale, f"no longer import alarms; remove from DASHBOARDS_USING_ALARMS: {stale}"


def test_the_check_sees_imports_inside_functions(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from alarms.spec import AlarmSpec\n    import ops.cli\n")
    assert _imports(module) == {"alarms", "ops"}
