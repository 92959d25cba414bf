"""Test-wide environment: fake credentials and region, set before any backend import so no
client can ever reach real AWS, and Powertools configured as the stack model sets it."""

from __future__ import annotations

import os

for _name, _value in {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "POWERTOOLS_METRICS_NAMESPACE": "ChatPlatform",
    "POWERTOOLS_SERVICE_NAME": "chat",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "AUTO_CONFIRM_SIGNUPS": "true",
}.items():
    os.environ[_name] = _value
os.environ.pop("AWS_PROFILE", None)
os.environ.pop("AWS_ENDPOINT_URL", None)
