"""An unpacked Lambda zip made read-only, as ``/var/task`` is in Lambda (Python can write no
bytecode there), and writable again afterwards so the temporary directory can be removed."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_WRITE = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH


@contextmanager
def read_only(*roots: Path) -> Iterator[None]:
    """Every file and directory under ``roots`` without write permission while inside."""
    paths = [path for root in roots for path in (root, *root.rglob("*"))]
    for path in paths:
        path.chmod(path.stat().st_mode & ~_WRITE)
    try:
        yield
    finally:
        for path in paths:
            path.chmod(path.stat().st_mode | stat.S_IWUSR)
