"""The client contract as the tests read it: docs/api.md (the project's copy) and its REST routes
(tests/support/contract.py is the fuzzing of the OpenAPI contract)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
API_MD = ROOT / "docs" / "api.md"
OPENAPI = ROOT / "docs" / "openapi.json"
_PARAM = re.compile(r"{[^}]+}")


def shape(path: str) -> str:
    """``path`` with every parameter written as ``{}`` (names differ between documents)."""
    return _PARAM.sub("{}", path)


def routes_in_api_md(text: str) -> set[tuple[str, str]]:
    """(method, path shape) of every REST route of the contract's table; a row such as
    ``POST /calls/{id}/accept, /decline, /end`` stands for three routes."""
    out: set[tuple[str, str]] = set()
    for method, path, more in re.findall(r"^\| (GET|POST|PATCH|PUT|DELETE) (\S+?)(,[^|]*)? \|", text, re.M):
        out.add((method, shape(path)))
        base = path.rsplit("/", 1)[0]
        for extra in re.findall(r"/(\w[\w-]*)", more or ""):
            out.add((method, shape(f"{base}/{extra}")))
    return out
