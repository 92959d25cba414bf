"""What the Lambda zip carries: the distributions pyproject.toml names under
``[tool.ops.lambda-zip] packages``, with the version ranges ``[project] dependencies`` gives
them, minus what Lambda provides."""

from __future__ import annotations

import tomllib
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from ops.deploy.errors import DeployError

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"
TABLE = "[tool.ops.lambda-zip] packages"
# The Lambda Python runtime ships these (in /var/runtime); the zip leaves them out.
PROVIDED_BY_LAMBDA = frozenset({"boto3", "botocore", "s3transfer"})


def canonical(name: str) -> str:
    """PEP 503 normalised distribution name (``PyJWT`` -> ``pyjwt``)."""
    return str(canonicalize_name(name))


def requirement_name(requirement: str) -> str:
    """The distribution name of a requirement string (``PyJWT[crypto]>=2.8`` -> ``pyjwt``)."""
    try:
        return canonical(Requirement(requirement).name)
    except InvalidRequirement as error:
        raise DeployError(f"cannot read the requirement {requirement!r}: {error}") from None


def runtime_requirements(pyproject: Path = PYPROJECT) -> list[str]:
    """The runtime requirement strings (with their version ranges and extras) for the zip, in
    the order of ``[project] dependencies``, without the distributions Lambda provides."""
    try:
        document = tomllib.loads(pyproject.read_text())
    except FileNotFoundError:
        raise DeployError(f"{pyproject} not found: run ops from a checkout of the project") from None
    except tomllib.TOMLDecodeError as error:
        raise DeployError(f"{pyproject} is not valid TOML: {error}") from None
    wanted = document.get("tool", {}).get("ops", {}).get("lambda-zip", {}).get("packages")
    if not wanted:
        raise DeployError(f"{pyproject}: {TABLE} lists no distribution for the Lambda zip")
    wanted_names = {canonical(name) for name in wanted} - PROVIDED_BY_LAMBDA
    declared = {requirement_name(r): r for r in document.get("project", {}).get("dependencies", [])}
    unknown = sorted(wanted_names - set(declared))
    if unknown:
        raise DeployError(
            f"{pyproject}: {TABLE} names {', '.join(unknown)}, which [project] dependencies does not declare"
        )
    return [requirement for name, requirement in declared.items() if name in wanted_names]
