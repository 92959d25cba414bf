"""Run a snippet of Python in a fresh interpreter, as a new Lambda environment would start,
and read back the JSON it prints last."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]

# What a handler needs to import and answer without AWS: region, fake credentials, a table
# name, tracing off, metrics namespace set, and no log lines at INFO.
HANDLER_ENV = {
    "PATH": "/usr/bin:/bin",
    "AWS_REGION": "us-east-1",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "TABLE_NAME": "t",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_LOG_LEVEL": "WARNING",
    "POWERTOOLS_METRICS_NAMESPACE": "ChatPlatform",
}


def run_fresh(code: str, *args: str, env: dict[str, str] | None = None) -> Any:
    """Run ``code`` (``sys.argv[1:]`` = ``args``) from the repository root with HANDLER_ENV
    (and ``env`` over it); the last line it prints, parsed as JSON."""
    result = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
        timeout=60,
        env={**HANDLER_ENV, **(env or {})},
    )
    return json.loads(result.stdout.strip().splitlines()[-1])
