"""The Lambda zip's size and what it costs at cold start, measured in one run.

Builds the real zip (pip from PyPI for arm64 / the model's runtime), reports its size, and as
proxies for the init-time share that grows with the zip: the time to unpack it against the
code alone, and the time to import each handler from an unpacked zip built for this machine
(x86_64, this Python) in fresh interpreters, as Lambda runs it: a read-only directory where
Python writes no bytecode. That import is measured for the zip as built (with bytecode) and
for the same zip of sources only, interleaved; the bytecode must cut it to at most
``MAX_BYTECODE_SHARE`` of the source-only figure for every function. Run with `make bench`.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from infra import STACK

from ops.deploy.bytecode import RuntimePython
from ops.deploy.package import BuildTarget, backend_source, build_zip, collect, zip_tree
from ops.deploy.requirements import runtime_requirements
from tests.bench.cold_start_env import lambda_like_env
from tests.support.task_root import read_only

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "build" / "bench-lambda"
ROUNDS = 5
MAX_ZIP_MB = 50  # Lambda's direct-upload limit; the unzipped limit is 250 MB
MAX_BYTECODE_SHARE = 0.7
IMPORT_ROUNDS = 7


def _unpack_seconds(path: Path) -> float:
    times = []
    for _ in range(ROUNDS):
        with tempfile.TemporaryDirectory() as into:
            started = time.perf_counter()
            zipfile.ZipFile(path).extractall(into)
            times.append(time.perf_counter() - started)
    return statistics.median(times)


def _import_seconds(root: Path, module: str) -> float:
    """One fresh interpreter importing ``module`` from ``root`` with nothing written, as in Lambda."""
    code = (
        "import sys, time; sys.path.insert(0, sys.argv[1]); t = time.perf_counter(); "
        f"import {module}; print(time.perf_counter() - t)"
    )
    env = lambda_like_env(LAMBDA_TASK_ROOT=str(root), PYTHONDONTWRITEBYTECODE="1")
    out = subprocess.run([sys.executable, "-c", code, str(root)], capture_output=True, text=True, check=True, env=env)
    return float(out.stdout.strip().splitlines()[-1])


def test_zip_size_and_cold_start_share() -> None:
    requirements = runtime_requirements()
    function = STACK.functions[0]
    real = build_zip(BuildTarget(function.architecture, function.runtime), requirements, BUILD)
    code_only = BUILD / "code-only.zip"
    zip_tree(collect(backend_source(), "backend"), code_only)
    unzipped = sum(i.file_size for i in zipfile.ZipFile(real.path).infolist())
    names = zipfile.ZipFile(real.path).namelist()
    assert not [n for n in names if n.startswith(("boto3/", "botocore/", "s3transfer/"))]
    assert real.size < MAX_ZIP_MB * 1_000_000

    here = BuildTarget("x86_64", f"python{sys.version_info.major}.{sys.version_info.minor}")
    this_python = RuntimePython(sys.executable, sys.implementation.cache_tag)
    with tempfile.TemporaryDirectory() as work:
        trees = {"bytecode": Path(work) / "bytecode", "source only": Path(work) / "source"}
        for tree, python in zip(trees.values(), (this_python, None), strict=True):
            zipfile.ZipFile(build_zip(here, requirements, BUILD, python=python).path).extractall(tree)
        runs: dict[tuple[str, str], list[float]] = {}
        with read_only(*trees.values()):
            for _ in range(IMPORT_ROUNDS):  # interleaved, so machine noise hits both alike
                for f in STACK.functions:
                    for label, tree in trees.items():
                        runs.setdefault((f.name, label), []).append(_import_seconds(tree, f.module))
    imports = {key: statistics.median(values) for key, values in runs.items()}

    full, small = _unpack_seconds(real.path), _unpack_seconds(code_only)
    print(
        f"\nzip {real.target.slug}: {real.size / 1e6:.1f} MB compressed, {unzipped / 1e6:.1f} MB unpacked, "
        f"{real.files} files, bytecode {real.bytecode or 'NONE (no python' + real.target.python_version + ' here)'}"
        f"\nunpack: {full * 1000:.0f} ms vs {small * 1000:.1f} ms for the code alone (ratio {full / small:.0f}x)"
        f"\nhandler import from the unpacked zip, read-only as in Lambda (this machine, median of {IMPORT_ROUNDS}):"
    )
    shares = {}
    for f in STACK.functions:
        with_bytecode, source_only = imports[(f.name, "bytecode")], imports[(f.name, "source only")]
        shares[f.name] = with_bytecode / source_only
        print(
            f"  {f.name:10s} with bytecode {with_bytecode * 1000:5.0f} ms   source only {source_only * 1000:5.0f} ms"
            f"   share {shares[f.name]:.2f}"
        )
    missed = {name: round(share, 2) for name, share in shares.items() if share > MAX_BYTECODE_SHARE}
    assert not missed, f"bytecode saves too little of the import (share above {MAX_BYTECODE_SHARE}): {missed}"
