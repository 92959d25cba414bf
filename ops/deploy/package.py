"""The Lambda zip: the backend package plus its runtime dependencies, built reproducibly.

Dependencies are installed with pip for the function's platform (``--platform`` manylinux for
its architecture, ``--python-version`` of its runtime, wheels only), the distributions Lambda
provides (boto3, botocore, s3transfer) are removed by their RECORD, and the tree is zipped in
sorted order with fixed timestamps and modes, so the same inputs give the same bytes (and the
same content-addressed S3 key, so an unchanged zip is not uploaded again).

Every ``.py`` also travels as bytecode compiled by the runtime's Python version
(``ops.deploy.bytecode``): Lambda's ``/var/task`` is read-only, so a zip without it is compiled
again at every cold start.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from infra.model import Function

from ops.deploy import bytecode
from ops.deploy.errors import DeployError
from ops.deploy.requirements import PROVIDED_BY_LAMBDA, canonical

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
# manylinux tags the Lambda runtimes (Amazon Linux 2023, glibc 2.34) can load, newest first.
_MANYLINUX = ("manylinux_2_34", "manylinux_2_28", "manylinux_2_17", "manylinux2014")
_MACHINE = {"arm64": "aarch64", "x86_64": "x86_64"}
_SKIPPED_PARTS = frozenset({"__pycache__", ".pytest_cache", ".mypy_cache"})
_SKIPPED_SUFFIXES = (".pyc", ".pyo")


@dataclass(frozen=True)
class BuildTarget:
    """Where a zip runs: the function's architecture and runtime."""

    architecture: str
    runtime: str

    @classmethod
    def of(cls, function: Function) -> BuildTarget:
        """The target of ``function``."""
        return cls(function.architecture, function.runtime)

    @property
    def python_version(self) -> str:
        """``python3.12`` -> ``3.12``."""
        if not self.runtime.startswith("python"):
            raise DeployError(f"runtime {self.runtime!r} is not a Python runtime")
        return self.runtime.removeprefix("python")

    @property
    def platforms(self) -> list[str]:
        """pip ``--platform`` tags for this architecture."""
        try:
            machine = _MACHINE[self.architecture]
        except KeyError:
            raise DeployError(f"unknown architecture {self.architecture!r}") from None
        return [f"{tag}_{machine}" for tag in _MANYLINUX]

    @property
    def slug(self) -> str:
        """Short name used in file names and S3 keys (``arm64-python3.12``)."""
        return f"{self.architecture}-{self.runtime}"


@dataclass(frozen=True)
class BuiltZip:
    """A built zip: where it is, its digest and size, and what it is for."""

    target: BuildTarget
    path: Path
    sha256: str
    size: int
    files: int
    # The runtime's bytecode tag (``cpython-312``) when the zip carries compiled code, else None.
    bytecode: str | None = None

    @property
    def summary(self) -> str:
        """One line for the deploy's progress: size, files and whether bytecode travels."""
        compiled = (
            f"bytecode {self.bytecode}"
            if self.bytecode
            else f"SOURCE ONLY: every cold start compiles it; set {bytecode.INTERPRETER_ENV} to a "
            f"python{self.target.python_version} and build again"
        )
        return f"zip {self.target.slug}: {self.size / 1_000_000:.1f} MB, {self.files} files, {compiled}"


def targets(functions: Iterable[Function]) -> list[BuildTarget]:
    """The distinct build targets of ``functions`` (one zip each), in a stable order."""
    return sorted({BuildTarget.of(f) for f in functions}, key=lambda t: t.slug)


def backend_source() -> Path:
    """The directory of the ``backend`` import package (the zip's code)."""
    spec = importlib.util.find_spec("backend")
    if spec is None or not spec.submodule_search_locations:
        raise DeployError("the backend package cannot be found; is the project installed (make venv)?")
    return Path(next(iter(spec.submodule_search_locations)))


def _deps_key(target: BuildTarget, requirements: Sequence[str], pip_args: Sequence[str]) -> str:
    material = json.dumps(
        {"target": target.slug, "requirements": sorted(requirements), "pip": list(pip_args), "v": 1},
        sort_keys=True,
    )
    return hashlib.sha256(material.encode()).hexdigest()[:16]


def install_dependencies(
    target: BuildTarget,
    requirements: Sequence[str],
    into: Path,
    *,
    pip_args: Sequence[str] = (),
    exclude: Iterable[str] = PROVIDED_BY_LAMBDA,
) -> Path:
    """pip-install ``requirements`` for ``target`` into ``into`` (reused when already complete),
    then remove the ``exclude`` distributions. Returns ``into``."""
    marker = into / ".complete"
    if marker.exists():
        return into
    if into.exists():
        shutil.rmtree(into)
    into.mkdir(parents=True)
    command = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-compile",
        "--target",
        str(into),
        "--implementation",
        "cp",
        "--python-version",
        target.python_version,
        "--only-binary=:all:",
        *[arg for platform in target.platforms for arg in ("--platform", platform)],
        *pip_args,
        *requirements,
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        raise DeployError(f"pip could not install the {target.slug} dependencies: " + " | ".join(detail))
    remove_distributions(into, exclude)
    marker.write_text("ok\n")
    return into


def remove_distributions(site: Path, names: Iterable[str]) -> list[str]:
    """Delete the installed distributions ``names`` from ``site`` using their RECORD files;
    returns the canonical names removed."""
    wanted = {canonical(n) for n in names}
    removed: list[str] = []
    for dist_info in sorted(site.glob("*.dist-info")):
        name = canonical(dist_info.name.removesuffix(".dist-info").rsplit("-", 1)[0])
        if name not in wanted:
            continue
        record = dist_info / "RECORD"
        if record.exists():
            for line in record.read_text().splitlines():
                relative = line.split(",", 1)[0]
                path = (site / relative).resolve()
                if path.is_file() and site.resolve() in path.parents:
                    path.unlink()
        shutil.rmtree(dist_info, ignore_errors=True)
        removed.append(name)
    _prune_empty_dirs(site)
    return removed


def _prune_empty_dirs(root: Path) -> None:
    for directory in sorted((p for p in root.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True):
        if not any(directory.iterdir()):
            directory.rmdir()


def _included(relative: Path) -> bool:
    return not (set(relative.parts) & _SKIPPED_PARTS) and not relative.name.endswith(_SKIPPED_SUFFIXES)


def zip_tree(entries: dict[str, Path], out: Path) -> int:
    """Write ``entries`` (archive name -> file) to ``out`` deterministically; returns the count."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            mode = 0o755 if entries[name].stat().st_mode & 0o111 else 0o644
            info.external_attr = (0o100000 | mode) << 16
            info.create_system = 3
            archive.writestr(info, entries[name].read_bytes(), compresslevel=9)
    tmp.replace(out)
    return len(entries)


def collect(root: Path, prefix: str = "") -> dict[str, Path]:
    """Every file under ``root`` worth shipping, keyed by its archive name."""
    out: dict[str, Path] = {}
    for path in root.rglob("*"):
        relative = path.relative_to(root)
        if path.is_file() and _included(relative) and relative.name != ".complete":
            out[(Path(prefix) / relative).as_posix()] = path
    return out


class _Find:
    """Default of ``build_zip(python=...)``: look for the runtime's interpreter."""


FIND_PYTHON = _Find()


def build_zip(
    target: BuildTarget,
    requirements: Sequence[str],
    build_dir: Path,
    *,
    sources: dict[str, Path] | None = None,
    pip_args: Sequence[str] = (),
    exclude: Iterable[str] = PROVIDED_BY_LAMBDA,
    on_step: Callable[[str], None] | None = None,
    python: bytecode.RuntimePython | _Find | None = FIND_PYTHON,
) -> BuiltZip:
    """Build the zip for ``target``: dependencies at the root, then each of ``sources``
    (archive directory -> source directory; default the ``backend`` package), each ``.py``
    with its bytecode compiled by ``python`` (default: found for the runtime; None: sources
    only)."""
    step = on_step or (lambda _message: None)
    sources = sources if sources is not None else {"backend": backend_source()}
    key = _deps_key(target, requirements, pip_args)
    deps = build_dir / f"deps-{target.slug}-{key}"
    step(f"installing {len(requirements)} runtime requirements for {target.slug}")
    install_dependencies(target, requirements, deps, pip_args=pip_args, exclude=exclude)
    dependency_entries = collect(deps)
    code_entries: dict[str, Path] = {}
    for archive_dir, source in sources.items():
        code_entries.update(collect(source, archive_dir))
    # Code overrides a dependency of the same name, as it would on sys.path in Lambda.
    entries = {**dependency_entries, **code_entries}
    runtime = bytecode.find_runtime_python(target.python_version) if isinstance(python, _Find) else python
    if runtime is not None:
        modules = sum(n.endswith(".py") for n in entries)
        step(f"compiling {modules} modules with {runtime.executable} ({runtime.cache_tag})")
        # The dependencies' bytecode is kept inside their installed tree, so a fresh install
        # (new versions) discards it too; the code's is compiled again on every build.
        deps_bytecode = deps / f".bytecode-{runtime.cache_tag}"
        compiled = bytecode.compile_entries(runtime, dependency_entries, deps_bytecode, reuse=True)
        code_dir = build_dir / f"bytecode-{target.slug}-code"
        shutil.rmtree(code_dir, ignore_errors=True)
        compiled.update(bytecode.compile_entries(runtime, code_entries, code_dir))
        entries.update(compiled)
    out = build_dir / f"lambda-{target.slug}.zip"
    step(f"zipping {len(entries)} files")
    count = zip_tree(entries, out)
    data = out.read_bytes()
    return BuiltZip(
        target=target,
        path=out,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        files=count,
        bytecode=runtime.cache_tag if runtime else None,
    )
