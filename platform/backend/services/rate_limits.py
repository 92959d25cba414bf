"""Per-user rate limits on message sends and call starts (configuration), answered with 429
and Retry-After over REST and an ``error`` event over the WebSocket."""

from __future__ import annotations

import time

from aws_lambda_powertools.metrics import MetricUnit

from backend.errors import TooManyRequests
from backend.observability import metrics
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
