"""Warm-up pings: recognised first, answered at once, never counted as user traffic.

A warm-up ping is any event with ``"warmup": true`` at its top level (what the warm-up
schedules send), or an EventBridge scheduled event whose ``detail`` carries ``"warmup": true``.
"""

from __future__ import annotations

from typing import Any

WARMUP_RESPONSE = {"statusCode": 200, "body": '{"warmup":true}'}


def is_warmup(event: Any) -> bool:
    """True for a warm-up ping; cheap enough to run first on every invocation."""
    if not isinstance(event, dict):
        return False
    if event.get("warmup") is True:
        return True
    detail = event.get("detail")
    return (
        event.get("source") in ("aws.events", "aws.scheduler")
        and isinstance(detail, dict)
        and (detail.get("warmup") is True)
    )
