"""The Lambda zip's size and what it costs at cold start, measured in one run.

Builds the real zip (pip from PyPI for arm64 / the model's runtime), reports its size, and as
proxies for the init-time share that grows with the zip: the time to unpack it against the
code alone, and the time to import each handler from an unpacked zip built for this machine
(x86_64, this Python) in fresh interpreters. Run with `make bench`.
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

from ops.deploy.package import BuildTarget, backend_source, build_zip, collect, zip_tree
from ops.deploy.requirements import runtime_requirements

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "build" / "bench-lambda"
ROUNDS = 5
MAX_ZIP_MB = 50  # Lambda's direct-upload limit; the unzipped limit is 250 MB


def _unpack_seconds(path: Path) -> float:
    times = []
    for _ in range(ROUNDS):
        with tempfile.TemporaryDirectory() as into:
            started = time.perf_counter()
            zipfile.ZipFile(path).extractall(into)
            times.append(time.perf_counter() - started)
    return statistics.median(times)


def _import_seconds(root: Path, module: str) -> float:
    code = (
        "import sys, time; sys.path.insert(0, sys.argv[1]); t = time.perf_counter(); "
        f"import {module}; print(time.perf_counter() - t)"
    )
    env = {"AWS_REGION": "us-east-1", "POWERTOOLS_METRICS_NAMESPACE": "Bench", "POWERTOOLS_TRACE_DISABLED": "1"}
    runs = []
    for _ in range(ROUNDS):
        out = subprocess.run(
            [sys.executable, "-c", code, str(root)], capture_output=True, text=True, check=True, env=env
        )
        runs.append(float(out.stdout.strip().splitlines()[-1]))
    return statistics.median(runs)


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

    local = build_zip(
        BuildTarget("x86_64", f"python{sys.version_info.major}.{sys.version_info.minor}"), requirements, BUILD
    )
    with tempfile.TemporaryDirectory() as unpacked:
        zipfile.ZipFile(local.path).extractall(unpacked)
        imports = {f.name: _import_seconds(Path(unpacked), f.module) for f in STACK.functions}

    full, small = _unpack_seconds(real.path), _unpack_seconds(code_only)
    print(
        f"\nzip {real.target.slug}: {real.size / 1e6:.1f} MB compressed, {unzipped / 1e6:.1f} MB unpacked, "
        f"{real.files} files\nunpack: {full * 1000:.0f} ms vs {small * 1000:.1f} ms for the code alone "
        f"(ratio {full / small:.0f}x)\nhandler import from the unpacked zip (this machine): "
        + ", ".join(f"{name} {seconds * 1000:.0f} ms" for name, seconds in imports.items())
    )
