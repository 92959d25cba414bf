"""Which interpreter compiles the zip's bytecode: the one named, else the runtime's version
on the PATH, else this one when it is that version; never one of another version."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from ops.deploy.bytecode import INTERPRETER_ENV, CompileFailed, find_runtime_python, pyc_name

HERE = f"{sys.version_info.major}.{sys.version_info.minor}"


def test_the_named_interpreter_is_used() -> None:
    found = find_runtime_python(HERE, {INTERPRETER_ENV: sys.executable, "PATH": ""})
    assert found is not None
    assert (found.executable, found.cache_tag) == (sys.executable, sys.implementation.cache_tag)


def test_a_named_interpreter_of_another_version_is_refused() -> None:
    with pytest.raises(CompileFailed, match=rf"is Python {HERE} \(cpython-\d+\), the functions run CPython 3\.99; "):
        find_runtime_python("3.99", {INTERPRETER_ENV: sys.executable})


def test_a_named_interpreter_that_does_not_run_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CompileFailed, match="does not run"):
        find_runtime_python(HERE, {INTERPRETER_ENV: str(tmp_path / "python-missing")})


def test_python_of_the_version_on_the_path_is_found(tmp_path: Path) -> None:
    link = tmp_path / f"python{HERE}"
    link.symlink_to(sys.executable)
    found = find_runtime_python(HERE, {"PATH": str(tmp_path)})
    assert found is not None and found.executable == str(link)


def test_another_implementation_of_the_version_is_not_one(tmp_path: Path) -> None:
    fake = tmp_path / f"python{HERE}"  # a PyPy, say: Lambda would ignore its bytecode
    fake.write_text(f"#!/bin/sh\necho {HERE} pypy-{HERE.replace('.', '')}\n")
    fake.chmod(0o755)
    found = find_runtime_python(HERE, {"PATH": str(tmp_path)})
    assert found is not None and found.executable == sys.executable  # the fake was passed over
    with pytest.raises(CompileFailed, match="pypy"):
        find_runtime_python(HERE, {INTERPRETER_ENV: str(fake)})


def test_no_interpreter_of_the_version_gives_none(tmp_path: Path) -> None:
    # a shim that exists but does not run (pyenv without that version selected) is not one
    shim = tmp_path / "python3.99"
    shim.write_text("#!/bin/sh\necho 'pyenv: python3.99: command not found' >&2\nexit 127\n")
    shim.chmod(0o755)
    assert find_runtime_python("3.99", {"PATH": str(tmp_path)}) is None


def test_bytecode_sits_in_the_modules_pycache() -> None:
    assert pyc_name("backend/app.py", "cpython-312") == "backend/__pycache__/app.cpython-312.pyc"
    assert pyc_name("six.py", "cpython-312") == "__pycache__/six.cpython-312.pyc"
