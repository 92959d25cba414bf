"""The hash that decides when a function gets a new published version.

``ops deploy`` passes the SHA-256 of each built zip (by its ``CodeKey...`` parameter); without a
zip (``ops stack synth``, tests) the hash is taken over the backend's source files, so synthesis
stays deterministic and still changes when the code does.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

# The zip's ``backend`` package, read as files (infra never imports the backend).
BACKEND_SOURCE = Path(__file__).resolve().parents[2] / "backend"
_SKIPPED_PARTS = frozenset({"__pycache__", ".pytest_cache", ".mypy_cache"})
_SKIPPED_SUFFIXES = (".pyc", ".pyo")


def _shipped(relative: Path) -> bool:
    return not (set(relative.parts) & _SKIPPED_PARTS) and not relative.name.endswith(_SKIPPED_SUFFIXES)


@cache
def source_digest(root: Path = BACKEND_SOURCE) -> str:
    """SHA-256 over every shipped file under ``root`` (relative path and bytes, in path order)."""
    digest = hashlib.sha256()
    files = sorted(p for p in root.rglob("*") if p.is_file() and _shipped(p.relative_to(root)))
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def code_digest(code_hashes: Mapping[str, str] | None, code_key: str) -> str:
    """The code hash of the functions whose zip is the ``code_key`` parameter: the zip's when
    given, else the source's."""
    if code_hashes:
        if code_key not in code_hashes:
            known = ", ".join(sorted(code_hashes)) or "none"
            raise KeyError(f"no zip hash for {code_key} (given: {known})")
        return code_hashes[code_key]
    return f"source:{source_digest()}"


def version_digest(code: str, configuration: Mapping[str, Any]) -> str:
    """Ten hex digits of SHA-256 over the code hash and the function's configuration (its
    template properties, intrinsics included): what a version's logical id carries."""
    material = json.dumps({"code": code, "configuration": configuration}, sort_keys=True)
    return hashlib.sha256(material.encode()).hexdigest()[:10]
