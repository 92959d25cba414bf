"""Load with churn, short run (the long one is tests/bench/test_load_churn_bench.py): 30
WebSocket devices (20 users, 10 with a second device) in 8 groups, random disconnects and
reconnects with catch-up, duplicate sends: every message stored exactly once, none lost."""

from __future__ import annotations

import asyncio

from ops.local.twin import Twin
from tests.support.load import LoadConfig, check, run_load

CONFIG = LoadConfig(
    users=20,
    second_devices=10,
    conversations=8,
    group_size=4,
    seconds=12,
    send_rate=3,
    churn_interval_s=0.8,
    duplicate_share=0.15,
    seed=11,
)


def test_load_with_churn_short(twin: Twin) -> None:
    result = asyncio.run(run_load(twin.info.rest_url, twin.info.websocket_url, CONFIG, budget_s=150))
    print(f"\nload with churn (short): {result}")
    check(result)
    assert result["devices"] == 30
