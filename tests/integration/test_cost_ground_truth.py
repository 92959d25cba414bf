"""The projection's per-user rates against ground truth counted apart from it: the REST requests
and WebSocket frames the test clients sent and received, and the bytes the table holds at the
end (sized here from the raw Scan, with DynamoDB's rules written out again, not the store's code).

A twin of its own, so that no other test's traffic is in its metrics.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import math
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from infra import STACK

from ops.cost.catalogue import GAUGES
from ops.cost.cloudwatch import pull_metrics
from ops.cost.observed import observe
from ops.cost.rates import HOURS_PER_MONTH, per_user_rates
from ops.cost.series import summarise
from ops.local.provisioning import client
from ops.local.twin import Twin, TwinConfig
from tests.support.twin import Rest, connect

pytestmark = pytest.mark.integration

USERS = 3
WINDOW_DAYS = 1


class CountingRest(Rest):
    """The REST client, counting every request it sends."""

    def __init__(self, base_url: str) -> None:
        super().__init__(base_url)
        self.sent = 0

    def request(self, method: str, path: str, user: Any = None, **kw: Any) -> httpx.Response:
        self.sent += 1
        return super().request(method, path, user, **kw)


@pytest.fixture(scope="module")
def own_twin() -> Iterator[Twin]:
    # Without the scheduled canary: its GET /health each minute is metered REST traffic no
    # client of this test sent (on a loaded machine the test outlasts a minute, and the
    # rate comparison below read 202.8 against 192.6 requests a user).
    quiet = dataclasses.replace(STACK, functions=tuple(f for f in STACK.functions if not f.schedule))
    with Twin(TwinConfig(port=0, flush_interval_s=0.5, stack=quiet)) as running:
        yield running


def _attribute_size(value: dict[str, Any]) -> int:
    ((kind, inner),) = value.items()
    if kind == "S":
        return len(inner.encode())
    if kind == "N":
        digits = inner.lstrip("-").replace(".", "").strip("0") or "0"
        return math.ceil(len(digits) / 2) + 1
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "B":
        return len(inner)
    if kind == "M":
        return 3 + sum(len(k.encode()) + _attribute_size(v) + 1 for k, v in inner.items())
    if kind == "L":
        return 3 + sum(_attribute_size(v) + 1 for v in inner)
    if kind in ("SS", "NS", "BS"):
        return sum(_attribute_size({kind[0]: v}) for v in inner)
    raise AssertionError(kind)


def _held(twin: Twin) -> tuple[int, int, int]:
    """(bytes the table holds in items that do not expire, incl. 100 bytes each; the same for the
    GSI's copies; the write units those items needed at the least)."""
    dynamodb = client(twin.info.aws_endpoint_url, "dynamodb")
    table = index = units = 0
    for page in dynamodb.get_paginator("scan").paginate(TableName=twin.info.table_name):
        for item in page["Items"]:
            size = sum(len(name.encode()) + _attribute_size(value) for name, value in item.items())
            units += math.ceil(size / 1024)
            if STACK.table.ttl_attribute in item:
                continue
            table += size + 100
            if all(k.name in item for k in (STACK.table.global_secondary_indexes[0].partition_key,)):
                index += size + 100
    return table, index, units


async def _chat(twin: Twin, users: list[Any], conversation_id: str) -> tuple[int, int]:
    """Each user connects and sends two messages, one a ping; every frame is counted both ways."""
    sent = 0
    frames: list[dict[str, Any]] = []

    async def read(socket: Any) -> None:
        async for frame in socket:
            frames.append(json.loads(frame))

    async with (
        connect(twin.info.websocket_url, users[0].id_token) as a,
        connect(twin.info.websocket_url, users[1].id_token) as b,
        connect(twin.info.websocket_url, users[2].id_token) as c,
    ):
        readers = [asyncio.create_task(read(s)) for s in (a, b, c)]
        for n, socket in enumerate((a, b, c)):
            for i in range(2):
                frame = {"action": "sendMessage", "conversationId": conversation_id}
                await socket.send(json.dumps({**frame, "clientMessageId": f"ws-{n}-{i}", "content": f"hi {n} {i}"}))
                sent += 1
        await a.send(json.dumps({"action": "ping"}))
        sent += 1
        # Every send answered (cold starts on a busy machine take seconds), then quiet for a while:
        # every fan-out is in.
        async with asyncio.timeout(120):
            while sum(f.get("type") in ("message.ack", "pong") for f in frames) < sent:
                await asyncio.sleep(0.2)
        count = -1
        while count != len(frames):
            count = len(frames)
            await asyncio.sleep(3)
        for reader in readers:
            reader.cancel()
    return sent, len(frames)


def test_per_user_rates_match_what_clients_sent_and_the_table_holds(own_twin: Twin) -> None:
    rest = CountingRest(own_twin.info.rest_url)
    users = [rest.sign_up(name) for name in ("Ada", "Bob", "Cy")]
    answer = rest.post("/conversations", {"participantIds": [u.user_id for u in users[1:]], "isGroup": True,
                                          "name": "Team"}, users[0])  # fmt: skip
    conversation_id = answer.json()["conversationId"]
    for i in range(6):
        sender = users[i % USERS]
        rest.post(f"/conversations/{conversation_id}/messages", {"clientMessageId": f"r{i}", "content": "x" * 40 * i},
                  sender)  # fmt: skip
    for user in users:
        rest.get("/me", user)
        rest.get(f"/conversations/{conversation_id}/messages", user)
    frames_sent, frames_received = asyncio.run(_chat(own_twin, users, conversation_id))
    rest.close()
    own_twin.flush()

    cloudwatch = client(own_twin.info.aws_endpoint_url, "cloudwatch")
    frame, _, _ = pull_metrics(cloudwatch, STACK, WINDOW_DAYS)
    observed = observe(summarise(frame, GAUGES), STACK, WINDOW_DAYS * 24.0)
    rates = per_user_rates(observed, float(USERS))
    to_rate = HOURS_PER_MONTH / (WINDOW_DAYS * 24.0) / USERS
    table_bytes, index_bytes, least_units = _held(own_twin)
    print(
        f"REST {rest.sent} sent, {observed.rest_requests:g} metered; frames {frames_sent}+{frames_received}, "
        f"{observed.websocket_messages:g} metered; stored {observed.dynamodb_stored_bytes} vs held {table_bytes}; "
        f"indexed {observed.dynamodb_indexed_bytes} vs {index_bytes}; write units {observed.dynamodb_write_units:g} "
        f"(items held need >= {least_units})"
    )

    # requests: every request the client sent, per user-month
    assert rates.rest_requests == pytest.approx(rest.sent * to_rate)
    # messages: API Gateway meters frames both ways
    assert rates.websocket_messages == pytest.approx((frames_sent + frames_received) * to_rate)
    # write units: at least what writing the items the table holds took. The rest is not in the
    # table at the end (transactions bill 2 units an item, summaries and read markers are
    # updated, rate counters and connections come and go, GSI copies), so only a loose ceiling;
    # the twin's units are moto's fixed figures per call (EMULATOR-NOTES), not sized.
    assert least_units * to_rate <= rates.dynamodb_write_units <= 10 * least_units * to_rate
    # bytes stored: what the store reported writing against what the table holds; updates
    # (conversation summaries, read markers) change items after they were written
    assert observed.dynamodb_stored_bytes is not None
    assert observed.dynamodb_stored_bytes == pytest.approx(table_bytes, rel=0.15)
    assert (observed.dynamodb_indexed_bytes or 0) == pytest.approx(index_bytes, rel=0.15)
    gb = 1024**3
    assert rates.dynamodb_growth_gb == pytest.approx((table_bytes + index_bytes) / gb * to_rate, rel=0.15)
    assert rates.dynamodb_table_growth_gb == pytest.approx(table_bytes / gb * to_rate, rel=0.15)
