"""The extra CORS origins a stage may be deployed with.

CORS always allows the web distribution's own origin (``infra.template.cors``); the
``CorsAllowOrigins`` parameter adds more. Only a stage with ``local_cors_origins`` in the stack
model (dev) may add localhost, a loopback address or plain http; no stage may add ``*``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from botocore.exceptions import ClientError
from infra.model import StageSettings
from infra.template import names

from ops.deploy.errors import DeployError

_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0"}  # noqa: S104 (names, not a bind)


def previous_origins(cloudformation: Any, stack_name: str) -> str | None:
    """The CORS origins the deployed stack was last given, or None (no stack, or never set)."""
    try:
        stacks = cloudformation.describe_stacks(StackName=stack_name)["Stacks"]
    except ClientError:
        return None
    for parameter in stacks[0].get("Parameters", []) if stacks else []:
        if parameter["ParameterKey"] == names.CORS_ORIGINS_PARAMETER:
            return str(parameter.get("ParameterValue") or "") or None
    return None


def check_origins(stage: StageSettings, origins: str | None) -> None:
    """DeployError naming the parameter and what to pass when ``origins`` (comma separated;
    None or empty: the web distribution's origin only) hold ``*``, or, on a stage without
    ``local_cors_origins``, anything but https origins of other hosts than this machine."""
    how = f"pass --parameter {names.CORS_ORIGINS_PARAMETER}=https://app.example.com (your web client's origin)"
    for origin in (o.strip() for o in (origins or "").split(",") if o.strip()):
        if origin == "*":
            raise DeployError(
                f"stage {stage.name} refuses the CORS origin '*' in {names.CORS_ORIGINS_PARAMETER}: {how}"
            )
        if stage.local_cors_origins:
            continue
        parts = urlsplit(origin)
        if parts.scheme != "https" or (parts.hostname or "") in _LOCAL_HOSTS:
            raise DeployError(
                f"stage {stage.name} refuses the CORS origin {origin!r} in {names.CORS_ORIGINS_PARAMETER} "
                f"(https origins of the web client only, no localhost or '*'): {how}"
            )
