"""Per-user rate limits on every write action (configuration, per minute), answered with 429
and Retry-After over REST and an ``error`` event with ``retryAfter`` over the WebSocket."""

from __future__ import annotations

import time

from aws_lambda_powertools.metrics import MetricUnit

from backend.errors import TooManyRequests
from backend.observability import metrics
from backend.settings import Settings, get_settings
from backend.store import rate_limits
from backend.store.table import Table

WINDOW_S = 60


def check(table: Table, user_id: str, kind: str, per_minute: int) -> None:
    """Count one ``kind`` action of ``user_id``; TooManyRequests when over ``per_minute``."""
    if per_minute <= 0:
        return
    now = int(time.time())
    start = now - now % WINDOW_S
    if not rate_limits.take(table, user_id, kind, start, WINDOW_S, per_minute):
        metrics.add_metric(name="RateLimited", unit=MetricUnit.Count, value=1)
        raise TooManyRequests(
            f"at most {per_minute} {kind.replace('_', ' ')}s a minute; try again shortly",
            code="rate_limited",
            retry_after=max(1, start + WINDOW_S - now),
        )


# action kind -> the setting holding its per-minute limit
LIMITS = {
    "message": "send_rate_per_minute",
    "call_start": "call_start_rate_per_minute",
    "typing": "typing_rate_per_minute",
    "read_marker": "read_rate_per_minute",
    "call_signal": "signal_rate_per_minute",
    "call_action": "call_action_rate_per_minute",
    "upload": "upload_rate_per_minute",
    "conversation": "conversation_rate_per_minute",
    "participant_change": "participant_change_rate_per_minute",
    "profile_update": "profile_update_rate_per_minute",
}


def check_action(table: Table, user_id: str, kind: str, settings: Settings | None = None) -> None:
    """Count one ``kind`` action (a key of LIMITS) against its configured per-minute limit."""
    settings = settings or get_settings()
    check(table, user_id, kind, int(getattr(settings, LIMITS[kind])))
