"""``kit`` (what alarms, dashboards and cost share) imports only ``infra``, the standard library
and third-party packages; ``dashboards`` and ``alarms`` never import ``ops``."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OURS = {"ops", "dashboards", "alarms", "backend", "kit", "infra"}
ALLOWED = {"kit": {"kit", "infra"}, "dashboards": {"dashboards", "alarms", "infra", "kit"}}


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found & OURS


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_package_imports_only_what_it_may(package):
    files = sorted((ROOT / package).rglob("*.py"))
    assert files
    bad = {str(f.relative_to(ROOT)): sorted(_imports(f) - ALLOWED[package]) for f in files}
    assert {f: names for f, names in bad.items() if names} == {}
