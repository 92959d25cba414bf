"""Time in the API's format (ISO 8601 UTC with milliseconds and a Z)."""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    """The current time, UTC."""
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """``moment`` as ``2026-11-25T20:41:07.123Z``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def now_iso() -> str:
    """The current time as the API writes it."""
    return iso(now())
