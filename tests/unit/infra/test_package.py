"""The Lambda zip: runtime requirements from pyproject.toml, dependencies for the function's
platform, boto3/botocore left out, the backend included, the same bytes every time.

pip installs from a local wheelhouse of tiny hand-made wheels (offline, fast). The bytecode
tests build for this interpreter's version and then import from the unpacked zip as Lambda
does (read-only directory, nothing written), counting what Python had to compile from source.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from infra import STACK

from ops.deploy.bytecode import RuntimePython
from ops.deploy.errors import DeployError
from ops.deploy.package import BuildTarget, BuiltZip, backend_source, build_zip, remove_distributions, targets
from ops.deploy.requirements import requirement_name, runtime_requirements
from tests.support.task_root import read_only


def make_wheel(wheelhouse: Path, name: str, modules: dict[str, str], requires: tuple[str, ...] = ()) -> None:
    """A minimal pure-Python wheel ``name-1.0-py3-none-any.whl``."""
    dist_info = f"{name}-1.0.dist-info"
    files = dict(modules)
    files[f"{dist_info}/METADATA"] = "Metadata-Version: 2.1\nName: {}\nVersion: 1.0\n{}".format(
        name, "".join(f"Requires-Dist: {r}\n" for r in requires)
    )
    files[f"{dist_info}/WHEEL"] = "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    record = []
    for path, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
        record.append(f"{path},sha256={digest},{len(text.encode())}")
    record.append(f"{dist_info}/RECORD,,")
    files[f"{dist_info}/RECORD"] = "\n".join(record) + "\n"
    with zipfile.ZipFile(wheelhouse / f"{name}-1.0-py3-none-any.whl", "w") as wheel:
        for path, text in files.items():
            wheel.writestr(path, text)


@pytest.fixture
def wheelhouse(tmp_path: Path) -> Path:
    house = tmp_path / "wheels"
    house.mkdir()
    make_wheel(house, "fakedep", {"fakedep/__init__.py": "VALUE = 1\n"}, requires=("botocore",))
    make_wheel(house, "botocore", {"botocore/__init__.py": "BIG = True\n", "botocore/data/x.json": "{}\n"})
    return house


@pytest.fixture
def source(tmp_path: Path) -> Path:
    code = tmp_path / "src" / "backend"
    (code / "handlers").mkdir(parents=True)
    (code / "__init__.py").write_text("")
    (code / "handlers" / "chat.py").write_text("handler = print\n")
    (code / "__pycache__").mkdir()
    (code / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"junk")
    return code


def _build(build_dir: Path, wheelhouse: Path, source: Path) -> BuiltZip:
    return build_zip(
        BuildTarget("arm64", "python3.12"),
        ["fakedep"],
        build_dir,
        sources={"backend": source},
        pip_args=["--no-index", "--find-links", str(wheelhouse)],
        python=None,
    )


THIS_PYTHON = RuntimePython(sys.executable, sys.implementation.cache_tag)
THIS_TARGET = BuildTarget("x86_64", f"python{sys.version_info.major}.{sys.version_info.minor}")


def _build_here(build_dir: Path, wheelhouse: Path, source: Path, python: RuntimePython | None) -> BuiltZip:
    return build_zip(
        THIS_TARGET,
        ["fakedep"],
        build_dir,
        sources={"backend": source},
        pip_args=["--no-index", "--find-links", str(wheelhouse)],
        python=python,
    )


def test_zip_holds_the_code_and_dependencies_but_not_botocore(tmp_path: Path, wheelhouse: Path, source: Path) -> None:
    built = _build(tmp_path / "build", wheelhouse, source)
    names = zipfile.ZipFile(built.path).namelist()
    assert "backend/handlers/chat.py" in names
    assert "fakedep/__init__.py" in names
    assert not [n for n in names if n.startswith("botocore")]
    assert not [n for n in names if n.endswith(".pyc") or "__pycache__" in n]
    assert names == sorted(names)
    assert built.files == len(names)
    assert built.size == built.path.stat().st_size


def test_zip_is_reproducible_from_a_fresh_build(tmp_path: Path, wheelhouse: Path, source: Path) -> None:
    first = _build(tmp_path / "one", wheelhouse, source)
    second = _build(tmp_path / "two", wheelhouse, source)
    assert first.sha256 == second.sha256
    for info in zipfile.ZipFile(first.path).infolist():
        assert info.date_time == (1980, 1, 1, 0, 0, 0)
        assert (info.external_attr >> 16) & 0o777 in {0o644, 0o755}


def test_dependencies_are_reused_between_builds(tmp_path: Path, wheelhouse: Path, source: Path) -> None:
    _build(tmp_path / "build", wheelhouse, source)
    for wheel in wheelhouse.iterdir():
        wheel.unlink()  # a second pip install would now fail
    (source / "extra.py").write_text("X = 2\n")
    rebuilt = _build(tmp_path / "build", wheelhouse, source)
    assert "backend/extra.py" in zipfile.ZipFile(rebuilt.path).namelist()


def test_a_failed_install_names_the_target(tmp_path: Path, wheelhouse: Path, source: Path) -> None:
    with pytest.raises(DeployError, match=r"arm64-python3\.12"):
        build_zip(
            BuildTarget("arm64", "python3.12"),
            ["does-not-exist-anywhere"],
            tmp_path / "build",
            sources={"backend": source},
            pip_args=["--no-index", "--find-links", str(wheelhouse)],
        )


def test_remove_distributions_deletes_only_what_is_named(tmp_path: Path) -> None:
    site = tmp_path / "site"
    for name in ("keep", "boto3"):
        (site / name).mkdir(parents=True)
        (site / name / "__init__.py").write_text("")
        dist = site / f"{name}-1.0.dist-info"
        dist.mkdir()
        (dist / "RECORD").write_text(f"{name}/__init__.py,,\n{name}-1.0.dist-info/RECORD,,\n")
    assert remove_distributions(site, ["boto3"]) == ["boto3"]
    assert sorted(p.name for p in site.iterdir()) == ["keep", "keep-1.0.dist-info"]


def test_build_target_follows_the_function() -> None:
    target = BuildTarget("arm64", "python3.12")
    assert target.python_version == "3.12"
    assert all(p.endswith("_aarch64") for p in target.platforms)
    assert BuildTarget("x86_64", "python3.12").platforms[0].endswith("_x86_64")
    with pytest.raises(DeployError):
        _ = BuildTarget("arm64", "nodejs20.x").python_version
    assert {t.slug for t in targets(STACK.functions)} == {f"{f.architecture}-{f.runtime}" for f in STACK.functions}


def test_runtime_requirements_come_from_pyproject_without_what_lambda_provides() -> None:
    names = {requirement_name(r) for r in runtime_requirements()}
    assert {"aws-lambda-powertools", "pydantic", "pyjwt"} <= names
    assert not names & {"boto3", "botocore", "typer", "moto", "rich"}


def test_runtime_requirements_keep_ranges_and_extras() -> None:
    by_name = {requirement_name(r): r for r in runtime_requirements()}
    assert by_name["pyjwt"].startswith("PyJWT[crypto]>=")
    assert by_name["aws-lambda-powertools"].startswith("aws-lambda-powertools[tracer]>=")


def test_runtime_requirements_need_the_table(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project]\ndependencies = [\n    "typer",\n]\n')
    with pytest.raises(DeployError, match=r"\[tool.ops.lambda-zip\] packages lists no distribution"):
        runtime_requirements(pyproject)


def test_runtime_requirements_must_be_declared(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        '[project]\ndependencies = ["boto3>=1.34", "pydantic>=2"]\n'
        '[tool.ops.lambda-zip]\npackages = ["pydantic", "boto3", "PyJWT"]\n'
    )
    with pytest.raises(DeployError, match="names pyjwt, which"):
        runtime_requirements(pyproject)
    pyproject.write_text(
        '[project]\ndependencies = ["boto3>=1.34", "pydantic>=2"]\n'
        '[tool.ops.lambda-zip]\npackages = ["pydantic", "boto3"]\n'
    )
    assert runtime_requirements(pyproject) == ["pydantic>=2"]


def test_zip_carries_unchecked_bytecode_of_the_runtime_for_every_module(
    tmp_path: Path, wheelhouse: Path, source: Path
) -> None:
    built = _build_here(tmp_path / "build", wheelhouse, source, THIS_PYTHON)
    archive = zipfile.ZipFile(built.path)
    names = archive.namelist()
    tag = sys.implementation.cache_tag
    for module in [n for n in names if n.endswith(".py")]:
        folder, _, file = module.rpartition("/")
        pyc = f"{folder}/__pycache__/{file[:-3]}.{tag}.pyc".lstrip("/")
        assert pyc in names, f"{module} has no {tag} bytecode"
    assert "backend/__pycache__/x.cpython-311.pyc" not in names  # the source tree's own cache stays out
    header = archive.read(f"backend/handlers/__pycache__/chat.{tag}.pyc")[:16]
    assert int.from_bytes(header[4:8], "little") == 0b01  # hash-based, source never checked
    assert built.bytecode == tag
    assert "bytecode " + tag in built.summary


def test_bytecode_zip_is_reproducible(tmp_path: Path, wheelhouse: Path, source: Path) -> None:
    first = _build_here(tmp_path / "one", wheelhouse, source, THIS_PYTHON)
    second = _build_here(tmp_path / "two", wheelhouse, source, THIS_PYTHON)
    assert first.sha256 == second.sha256


def _printed_from(built: BuiltZip, unpacked: Path, code: str) -> str:
    """What ``code`` prints in a fresh interpreter importing from the unpacked zip (nothing written)."""
    zipfile.ZipFile(built.path).extractall(unpacked)
    out = subprocess.run(
        [sys.executable, "-c", f"import sys; sys.path.insert(0, sys.argv[1]); {code}", str(unpacked)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    return out.stdout.strip()


def test_changed_code_gets_new_bytecode_on_a_reused_build_dir(tmp_path: Path, wheelhouse: Path, source: Path) -> None:
    _build_here(tmp_path / "build", wheelhouse, source, THIS_PYTHON)
    (source / "handlers" / "chat.py").write_text("handler = len\n")
    rebuilt = _build_here(tmp_path / "build", wheelhouse, source, THIS_PYTHON)
    code = "import backend.handlers.chat as c; print(c.handler.__name__)"
    printed = _printed_from(rebuilt, tmp_path / "unpacked", code)
    assert printed == "len"


def test_reinstalled_dependencies_get_new_bytecode(tmp_path: Path, wheelhouse: Path, source: Path) -> None:
    built = _build_here(tmp_path / "build", wheelhouse, source, THIS_PYTHON)
    deps = next((tmp_path / "build").glob("deps-*"))
    (deps / ".complete").unlink()  # the next build installs again (as after a cache clean)
    make_wheel(wheelhouse, "fakedep", {"fakedep/__init__.py": "VALUE = 2\n"}, requires=("botocore",))
    rebuilt = _build_here(tmp_path / "build", wheelhouse, source, THIS_PYTHON)
    assert rebuilt.sha256 != built.sha256
    # not the stale bytecode of VALUE = 1
    assert _printed_from(rebuilt, tmp_path / "unpacked", "import fakedep; print(fakedep.VALUE)") == "2"


def test_a_zip_without_bytecode_says_what_to_do(tmp_path: Path, wheelhouse: Path, source: Path) -> None:
    built = _build_here(tmp_path / "build", wheelhouse, source, None)
    assert built.bytecode is None
    assert "SOURCE ONLY" in built.summary and "OPS_LAMBDA_PYTHON" in built.summary


_COUNT_COMPILES = """
import importlib._bootstrap_external as external, json, sys
root = sys.argv[1]
compiled = []
original = external.SourceLoader.source_to_code
def source_to_code(self, data, path, *args, **kwargs):
    if str(path).startswith(root):
        compiled.append(str(path)[len(root) + 1:])
    return original(self, data, path, *args, **kwargs)
external.SourceLoader.source_to_code = source_to_code
sys.path.insert(0, root)
import backend.handlers.chat
print(json.dumps({"compiled": compiled, "file": backend.handlers.chat.__file__}))
"""


def _compiled_at_cold_start(unpacked: Path) -> list[str]:
    """Import the chat handler from ``unpacked`` as Lambda does (read-only, nothing written);
    the modules of the zip that Python had to compile from source."""
    env = {
        **os.environ,
        "PYTHONDONTWRITEBYTECODE": "1",
        "LAMBDA_TASK_ROOT": str(unpacked),
        "AWS_REGION": "us-east-1",
        "POWERTOOLS_TRACE_DISABLED": "1",
        "POWERTOOLS_METRICS_NAMESPACE": "Test",
    }
    with read_only(unpacked):
        out = subprocess.run(
            [sys.executable, "-c", _COUNT_COMPILES, str(unpacked)], capture_output=True, text=True, env=env, check=True
        )
    answer = json.loads(out.stdout.strip().splitlines()[-1])
    assert answer["file"].startswith(str(unpacked)), answer["file"]  # the zip's code, not the checkout's
    return list(answer["compiled"])


@pytest.mark.parametrize("with_bytecode", [True, False])
def test_the_real_backend_starts_from_the_zip_without_compiling(
    tmp_path: Path, wheelhouse: Path, with_bytecode: bool
) -> None:
    built = _build_here(tmp_path / "build", wheelhouse, backend_source(), THIS_PYTHON if with_bytecode else None)
    unpacked = tmp_path / "task"
    zipfile.ZipFile(built.path).extractall(unpacked)
    compiled = _compiled_at_cold_start(unpacked)
    if with_bytecode:
        assert compiled == []
    else:  # the control: a zip of sources is compiled at every cold start
        assert "backend/handlers/chat.py" in compiled and len(compiled) > 20
