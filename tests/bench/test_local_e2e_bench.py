"""End to end on this machine: 50 connected clients in 10 group conversations sending over
the twin's WebSocket API; messages delivered per second and send-to-receive latency p50/p99.
Target: 100 messages/s delivered with p99 under 250 ms. The websocket function's instances are
started first by overlapping warm-up pings, as the warm-up schedule keeps them in AWS. Prints
where the time goes (gateway, Lambda duration, DynamoDB, CPU per message) from what the twin
recorded in the same run."""

from __future__ import annotations

import asyncio
import os
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ops.demo.client import Api, Device, Ledger, User
from ops.local.telemetry import Telemetry, percentile
from ops.local.twin import Twin, TwinConfig

CLIENTS = 50
GROUPS = 10
# messages/s sent in total; each reaches the 4 other members of its group, so 26/s offers
# 104 deliveries/s: a little over the target, which a run must keep up with
SEND_RATE = float(os.environ.get("BENCH_SEND_RATE", "26"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "20"))
# the twin's default instances per function (TwinConfig.concurrency)
CONCURRENCY = 10
TARGET_DELIVERED_PER_S = 100.0
TARGET_P99_MS = 250.0


def _cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes so far (Linux /proc; 0 elsewhere)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total


def _workers() -> list[int]:
    """The twin's Lambda worker processes (children of this process)."""
    me = str(os.getpid())
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if text.rsplit(")", 1)[1].split()[1] == me and b"ops.local.worker" in cmdline:
            found.append(int(stat.parent.name))
    return found


def _ms(values: list[float]) -> str:
    p50, p99 = percentile(values, 50), percentile(values, 99)
    return "-" if p50 is None or p99 is None else f"p50 {p50:7.1f} ms  p99 {p99:7.1f} ms  (n={len(values)})"


async def _setup(twin: Twin, ledger: Ledger) -> tuple[Api, list[User], list[tuple[str, list[User]]]]:
    api = Api(twin.info.rest_url, ledger)
    users = [User(f"u{i}", f"bench{i}.{int(time.time())}@example.com", ledger) for i in range(CLIENTS)]
    gate = asyncio.Semaphore(4)

    async def sign_up(user: User) -> None:
        async with gate:
            await api.sign_up(user)
            device = Device(user, "phone")
            await device.connect(twin.info.websocket_url)
            user.devices.append(device)

    await asyncio.gather(*(sign_up(u) for u in users))
    size = CLIENTS // GROUPS
    groups = []
    for g in range(GROUPS):
        members = users[g * size : (g + 1) * size]
        answer = await api.call(
            "POST",
            "/conversations",
            members[0],
            {"participantIds": [m.user_id for m in members[1:]], "isGroup": True, "name": f"g{g}"},
        )
        groups.append((answer.json()["conversationId"], members))
    return api, users, groups


async def _drive(groups: list[tuple[str, list[User]]], ledger: Ledger, seconds: float) -> float:
    """Open loop: one send every 1/SEND_RATE s, round-robin over senders."""
    senders = [(c, m, members) for c, members in groups for m in members]
    interval = 1.0 / SEND_RATE
    tasks: list[asyncio.Task[None]] = []
    started = time.perf_counter()

    async def send(conversation_id: str, user: User, members: list[User]) -> None:
        device = user.devices[0]
        expected = {m.devices[0].id for m in members if m is not user}
        ack = await device.send_message(conversation_id, "bench")
        ledger.expect(ack["messageId"], conversation_id, ack["sent_at"], expected)

    n = 0
    while time.perf_counter() - started < seconds:
        conversation_id, user, members = senders[n % len(senders)]
        tasks.append(asyncio.get_running_loop().create_task(send(conversation_id, user, members)))
        n += 1
        await asyncio.sleep(max(0.0, started + n * interval - time.perf_counter()))
    await asyncio.gather(*tasks, return_exceptions=True)
    deadline = time.monotonic() + 10
    while ledger.missing() and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    return time.perf_counter() - started


_Key = tuple[str, str, tuple[tuple[str, str], ...]]


def _breakdown(twin: Twin) -> dict[str, _Key]:
    """What the twin records that explains a send's latency, by label."""
    table = twin.info.table_name
    out: dict[str, _Key] = {
        "gateway integration": (
            "AWS/ApiGateway",
            "IntegrationLatency",
            (("ApiId", twin.info.websocket_api_id), ("Route", "sendMessage"), ("Stage", "v1")),
        ),
        "websocket Duration": ("AWS/Lambda", "Duration", (("FunctionName", "chat-platform-websocket"),)),
    }
    for operation in ("Query", "GetItem", "PutItem", "UpdateItem", "TransactWriteItems", "BatchGetItem"):
        out[f"DynamoDB {operation}"] = (
            "AWS/DynamoDB",
            "SuccessfulRequestLatency",
            (("Operation", operation), ("TableName", table)),
        )
    return out


def _counts(telemetry: Telemetry, keys: list[_Key]) -> dict[_Key, int]:
    """How many samples of each metric were recorded so far."""
    return {key: telemetry.total(key[0], key[1], dict(key[2]))[0] for key in keys}


def _since(telemetry: Telemetry, counts_before: dict[_Key, int], key: _Key) -> list[float]:
    """The samples of ``key`` recorded after ``counts_before`` was taken (the newest ones)."""
    new = telemetry.total(key[0], key[1], dict(key[2]))[0] - counts_before.get(key, 0)
    values = telemetry.samples(key[0], key[1], dict(key[2]))
    return values[len(values) - new :] if 0 < new <= len(values) else []


def _instance_counts(twin: Twin) -> dict[str, int]:
    """Cold starts, throttles and errors of the websocket function so far."""
    runtime = twin.lambdas.runtime("websocket") if twin.lambdas else None
    if runtime is None:
        return {}
    return {"cold starts": runtime.cold_starts, "throttles": runtime.throttles, "errors": runtime.errors}


def test_local_end_to_end_throughput_and_latency() -> None:
    cpu: dict[str, float] = {}
    counts_before: dict[_Key, int] = {}
    in_timed_run: dict[str, int] = {}
    with Twin(TwinConfig(port=0, trace_sample_rate=0.05)) as twin:

        async def run() -> tuple[Ledger, float]:
            setup_ledger = Ledger()
            api, users, groups = await _setup(twin, setup_ledger)
            for user in users:
                user.ledger = setup_ledger
            # as `ops warmup` does in AWS: overlapping pings start every websocket instance
            # now, so no cold start lands in the timed run
            ping = {"warmup": True, "holdMs": 500}
            with ThreadPoolExecutor(CONCURRENCY) as pool:
                loop = asyncio.get_running_loop()
                await asyncio.gather(
                    *(loop.run_in_executor(pool, twin.invoke, "websocket", ping) for _ in range(CONCURRENCY))
                )
            await _drive(groups, setup_ledger, 3.0)  # warm-up traffic: JWKS cached, routes primed
            ledger = Ledger()
            for user in users:
                user.ledger = ledger
            assert twin.telemetry is not None
            counts_before.update(_counts(twin.telemetry, list(_breakdown(twin).values())))
            instances_before = _instance_counts(twin)
            moto_pid = twin.aws.pid if twin.aws else None
            before = (_cpu_seconds([moto_pid] if moto_pid else []), _cpu_seconds(_workers()), time.process_time())
            elapsed = await _drive(groups, ledger, SECONDS)
            after = (_cpu_seconds([moto_pid] if moto_pid else []), _cpu_seconds(_workers()), time.process_time())
            cpu.update(moto=after[0] - before[0], workers=after[1] - before[1], gateway=after[2] - before[2])
            in_timed_run.update({k: v - instances_before[k] for k, v in _instance_counts(twin).items()})
            await asyncio.gather(*(u.devices[0].close() for u in users))
            await api.close()
            return ledger, elapsed

        ledger, elapsed = asyncio.run(run())
        telemetry = twin.telemetry
        assert telemetry is not None
        expected, done = ledger.deliveries()
        latency = ledger.delivery_latency_ms()
        delivered_per_s = done / elapsed
        p99 = percentile(latency, 99) or 0.0
        verdict = "met" if delivered_per_s >= TARGET_DELIVERED_PER_S and p99 < TARGET_P99_MS else "NOT met"
        websocket = twin.lambdas.runtime("websocket") if twin.lambdas else None
        print()
        print(f"local e2e: {CLIENTS} clients, {GROUPS} groups, {len(ledger.sent)} messages sent in {elapsed:.1f} s")
        print(
            f"  delivered            {done}/{expected}  = {delivered_per_s:.1f} messages/s delivered"
            f" (target {TARGET_DELIVERED_PER_S:.0f}), {len(ledger.sent) / elapsed:.1f} sent/s"
        )
        print(f"  send-to-receive      {_ms(latency)}  (target p99 < {TARGET_P99_MS:.0f} ms)")
        print(f"  send-to-ack          {_ms(ledger.ack_latency_ms)}")
        print("where the time goes (recorded by the twin during the timed run):")
        for label, key in _breakdown(twin).items():
            values = _since(telemetry, counts_before, key)
            if values:
                print(f"  {label:<27} {_ms(values)}")
        if websocket is not None:
            print(
                f"  websocket instances: {websocket.cold_starts} cold starts, {websocket.throttles} throttles,"
                f" {websocket.errors} errors in all (setup, pre-start, closing); in the timed run "
                + ", ".join(f"{n} {label}" for label, n in in_timed_run.items())
            )
        sent = max(1, len(ledger.sent))
        print(
            "  CPU per message sent: "
            + ", ".join(f"{name} {seconds * 1000 / sent:.1f} ms" for name, seconds in cpu.items())
            + f"  (machine: {os.cpu_count()} cores; moto's process is one interpreter, so at most one core)"
        )
        throttled = ledger.events.get("sendMessage throttled, sent again", 0)
        retried = ledger.events.get("sendMessage retried", 0)
        print(f"  sends sent again: {throttled} after a throttled frame, {retried} after no ack in time")
        print(f"  target (100 delivered/s, p99 < 250 ms): {verdict}")
        assert expected > 0
        assert done == expected, f"{expected - done} deliveries missing"
        assert delivered_per_s >= TARGET_DELIVERED_PER_S, f"{delivered_per_s:.1f} delivered/s (target 100)"
        assert p99 < TARGET_P99_MS, f"send-to-receive p99 {p99:.0f} ms (target < {TARGET_P99_MS:.0f} ms)"
