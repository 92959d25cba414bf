"""Where the runbooks live: ``docs/runbooks.md`` of this project, at the URL its own metadata
gives (``pyproject.toml`` ``[project.urls] Documentation``), so alarm descriptions and
notifications link to a page that exists.

``runbook_url:`` in ``thresholds.yaml`` overrides the derived URL (a fork, a mirror, an
internal wiki that copies the file).
"""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path

DISTRIBUTION = "chat-platform"
# The metadata label whose URL is the docs folder; the runbooks are one file inside it.
DOCS_LABEL = "Documentation"
RUNBOOKS_FILE = "runbooks.md"
PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


class RunbookUrlError(ValueError):
    """The project's metadata names no documentation URL."""


def _from_pyproject(path: Path) -> str | None:
    try:
        document = tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError):
        return None
    urls = document.get("project", {}).get("urls", {})
    value = urls.get(DOCS_LABEL) if isinstance(urls, dict) else None
    return str(value) if value else None


def _from_installed_metadata() -> str | None:
    try:
        entries = metadata.metadata(DISTRIBUTION).get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        return None
    for entry in entries:
        label, _, url = entry.partition(",")
        if label.strip() == DOCS_LABEL and url.strip():
            return url.strip()
    return None


def docs_url(pyproject: Path = PYPROJECT) -> str:
    """The documentation URL of the project: the source tree's ``pyproject.toml`` first (a
    checkout), else the installed distribution's metadata (a wheel)."""
    found = _from_pyproject(pyproject) or _from_installed_metadata()
    if not found:
        raise RunbookUrlError(
            f"pyproject.toml has no [project.urls] {DOCS_LABEL} entry: add the URL of the docs folder, "
            "or set runbook_url in alarms/thresholds.yaml"
        )
    return found.rstrip("/")


def default_runbook_url(pyproject: Path = PYPROJECT) -> str:
    """``<docs URL>/runbooks.md``: the page every alarm's ``#<check>`` anchor points into."""
    return f"{docs_url(pyproject)}/{RUNBOOKS_FILE}"
