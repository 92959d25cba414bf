"""Bytecode for the Lambda zip, compiled by the function's own Python version.

Lambda's ``/var/task`` is read-only, so Python cannot cache what it compiles there: a zip of
sources alone is compiled again at every cold start (about 0.6 s of the chat function's
1 s on the reference machine, docs/cold-start.md). The zip therefore carries
``__pycache__/*.cpython-3XX.pyc`` files compiled by the runtime's Python version (bytecode
is specific to it; a file of another version is ignored), in the *unchecked-hash* mode: the
deployed code never changes under its bytecode, so Python loads it without reading the source,
and no file timestamp (the zip's are fixed at 1980) can make it stale.

Compiling needs an interpreter of the runtime's version: ``OPS_LAMBDA_PYTHON`` names one,
else ``python3.X`` on the PATH, else this interpreter when it is that version. Without one the
zip carries sources only, and the build says so.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ops.deploy.errors import DeployError

INTERPRETER_ENV = "OPS_LAMBDA_PYTHON"
# Where Lambda unpacks the zip: what tracebacks show for a compiled file.
TASK_ROOT = PurePosixPath("/var/task")

_COMPILE = """\
import json, py_compile, sys
failed = 0
for source, target, shown in json.load(sys.stdin):
    try:
        py_compile.compile(source, cfile=target, dfile=shown, doraise=True,
                           invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
    except py_compile.PyCompileError:
        failed += 1  # Lambda could not import it either; it stays source only
print(json.dumps({"failed": failed}))
"""


@dataclass(frozen=True)
class RuntimePython:
    """An interpreter of the runtime's Python version and its bytecode tag (``cpython-312``)."""

    executable: str
    cache_tag: str


class CompileFailed(DeployError):
    """The interpreter could not run the compilation at all."""


def _probe(executable: str) -> tuple[str, str] | None:
    """(``3.12``, ``cpython-312``) of ``executable``, or None when it does not run."""
    try:
        out = subprocess.run(  # noqa: S603 (an interpreter the user named or PATH holds)
            [executable, "-c", "import sys; print('%d.%d' % sys.version_info[:2], sys.implementation.cache_tag)"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except OSError:
        return None
    parts = out.stdout.split()
    return (parts[0], parts[1]) if out.returncode == 0 and len(parts) == 2 else None


def find_runtime_python(python_version: str, env: Mapping[str, str] | None = None) -> RuntimePython | None:
    """A CPython of ``python_version`` (``3.12``) to compile with, or None (see module doc).

    A named ``OPS_LAMBDA_PYTHON`` of another version or implementation is an error, not a
    silent fallback: Lambda runs CPython, and ignores bytecode of any other."""
    environ = os.environ if env is None else env
    wanted = "cpython-" + python_version.replace(".", "")
    named = environ.get(INTERPRETER_ENV)
    if named:
        probed = _probe(named)
        if probed is None:
            raise CompileFailed(f"{INTERPRETER_ENV}={named} does not run; point it at a python{python_version}")
        if probed[1] != wanted:
            raise CompileFailed(
                f"{INTERPRETER_ENV}={named} is Python {probed[0]} ({probed[1]}), the functions run CPython "
                f"{python_version}; point it at a python{python_version}"
            )
        return RuntimePython(named, probed[1])
    candidates = [shutil.which(f"python{python_version}", path=environ.get("PATH")), sys.executable]
    for candidate in candidates:
        if candidate:
            probed = _probe(candidate)
            if probed is not None and probed[1] == wanted:
                return RuntimePython(candidate, probed[1])
    return None


def pyc_name(archive_name: str, cache_tag: str) -> str:
    """``backend/app.py`` -> ``backend/__pycache__/app.cpython-312.pyc``."""
    path = PurePosixPath(archive_name)
    return (path.parent / "__pycache__" / f"{path.stem}.{cache_tag}.pyc").as_posix()


def compile_entries(
    python: RuntimePython, entries: Mapping[str, Path], into: Path, *, reuse: bool = False
) -> dict[str, Path]:
    """Compile every ``.py`` of ``entries`` (archive name -> file) with ``python`` into ``into``
    (same layout); returns the bytecode entries to add to the zip. With ``reuse``, a file
    already compiled there is kept (dependencies, whose directory is keyed by their versions)."""
    jobs = []
    out: dict[str, Path] = {}
    for name, source in entries.items():
        if not name.endswith(".py"):
            continue
        target = into / pyc_name(name, python.cache_tag)
        out[pyc_name(name, python.cache_tag)] = target
        if reuse and target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        jobs.append([str(source), str(target), str(TASK_ROOT / name)])
    if jobs:
        result = subprocess.run(  # noqa: S603
            [python.executable, "-c", _COMPILE],
            input=json.dumps(jobs),
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            detail = (result.stderr or result.stdout).strip().splitlines()[-3:]
            raise CompileFailed(f"{python.executable} could not compile the zip's code: " + " | ".join(detail))
    return {name: path for name, path in out.items() if path.exists()}
