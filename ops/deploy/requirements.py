"""What the Lambda zip carries: the runtime section of pyproject.toml, minus what Lambda provides."""

from __future__ import annotations

import re
from pathlib import Path

from ops.deploy.errors import DeployError

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"
# The runtime dependencies are the block of ``[project] dependencies`` that starts with this
# comment and ends at the next comment line (pyproject.toml keeps them apart from the CLI's).
SECTION_MARKER = "# Lambda runtime"
# The Lambda Python runtime ships these (in /var/runtime); the zip leaves them out.
PROVIDED_BY_LAMBDA = frozenset({"boto3", "botocore", "s3transfer"})

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*")


def canonical(name: str) -> str:
    """PEP 503 normalised distribution name (``PyJWT`` -> ``pyjwt``)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(requirement: str) -> str:
    """The distribution name of a requirement string (``PyJWT[crypto]>=2.8`` -> ``pyjwt``)."""
    match = _NAME.match(requirement.strip())
    if match is None:
        raise DeployError(f"cannot read the requirement {requirement!r}")
    return canonical(match.group(0))


def runtime_requirements(pyproject: Path = PYPROJECT) -> list[str]:
    """The runtime requirement strings (with their version ranges) for the zip, without the
    distributions Lambda provides."""
    if not pyproject.exists():
        raise DeployError(f"{pyproject} not found: run ops from a checkout of the project")
    lines = pyproject.read_text().splitlines()
    try:
        start = next(i for i, line in enumerate(lines) if line.strip().startswith(SECTION_MARKER))
    except StopIteration:
        raise DeployError(f"{pyproject} has no {SECTION_MARKER!r} section in its dependencies") from None
    requirements: list[str] = []
    for line in lines[start + 1 :]:
        text = line.strip()
        if text.startswith("#") or text.startswith("]"):
            break
        if text:
            requirement = text.rstrip(",").strip().strip("\"'")
            if requirement_name(requirement) not in PROVIDED_BY_LAMBDA:
                requirements.append(requirement)
    if not requirements:
        raise DeployError(f"{pyproject}: the {SECTION_MARKER!r} section lists no dependency")
    return requirements
