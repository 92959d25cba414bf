"""The environment of a cold-start measurement: as in Lambda, with tracing on."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def lambda_like_env(**overrides: str) -> dict[str, str]:
    """This process's environment with what Lambda sets and tracing enabled; ``.pyc`` files
    are written and used (without them every import compiles again). ``overrides`` last."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("POWERTOOLS_TRACE")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(
        LAMBDA_TASK_ROOT=str(ROOT),  # as in Lambda: the X-Ray SDK behaves as it does there
        AWS_LAMBDA_FUNCTION_NAME="bench",
        POWERTOOLS_SERVICE_NAME="bench",
        POWERTOOLS_METRICS_NAMESPACE="ChatPlatform",
        AWS_REGION="us-east-1",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        TABLE_NAME="bench",
    )
    env.update(overrides)
    return env
