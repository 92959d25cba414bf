"""Load with churn, long run: 210 WebSocket devices (140 users, 70 with a second device) in 40
group conversations of 5 on a fresh twin; open-loop sends, one random disconnect/reconnect
(with ``after=`` catch-up) every 1 s, 10% duplicate sends. Prints messages/s, send-to-receive
latency p50/p99 and the loss count; fails unless every message is stored exactly once and
nothing is lost. Bounded: the whole test stays under 5 minutes."""

from __future__ import annotations

import asyncio
import os
import time

from ops.local.twin import Twin, TwinConfig
from tests.support.load import LoadConfig, check, run_load

CONFIG = LoadConfig(
    users=140,
    second_devices=70,
    conversations=40,
    group_size=5,
    seconds=float(os.environ.get("BENCH_SECONDS", "45")),
    send_rate=float(os.environ.get("BENCH_SEND_RATE", "3")),
    churn_interval_s=1.0,
    duplicate_share=0.1,
    seed=2026,
)


def test_load_with_churn_bench() -> None:
    started = time.monotonic()
    with Twin(TwinConfig(port=0, flush_interval_s=1.0)) as twin:
        result = asyncio.run(run_load(twin.info.rest_url, twin.info.websocket_url, CONFIG, budget_s=250))
    total = time.monotonic() - started
    print(
        f"\nload with churn: {result['devices']} devices ({result['users']} users) in {result['conversations']} "
        f"conversations, {result['elapsed_s']} s driven (+{result['setup_s']} s setup, {total:.0f} s in all)\n"
        f"  sent {result['sent']} (duplicates {result['duplicate_sends']}), stored {result['stored']} "
        f"({result['stored_per_s']} messages/s), live deliveries {result['live_deliveries']} "
        f"({result['deliveries_per_s']}/s), recovered after reconnect {result['recovered']}\n"
        f"  send-to-receive p50 {result['p50_ms']:.0f} ms, p99 {result['p99_ms']:.0f} ms\n"
        f"  disconnects {result['disconnects']}, resends {result['resends']}, throttled connects "
        f"{result['connect_throttled']}, failed connects (retried) {result['connect_failed']},\n"
        f"  throttled REST {result['rest_throttled']}, errors {result['errors']}\n"
        f"  loss {result['lost']}, duplicates stored {result['duplicates_stored']}, recovered only thanks to the "
        f"rewound cursor (a strict after=<last seen> would have missed them) {result['missed_by_strict_cursor']}"
    )
    check(result)
    assert result["devices"] >= 200
    assert total < 300
