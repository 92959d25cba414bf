"""Load with churn on the local twin: many WebSocket devices (users with one or two) in many
group conversations; an open-loop sender, random disconnects and reconnects mid-conversation
(a reconnecting device catches up with ``GET .../messages?after=<last seen>``), and duplicate
sends (the same clientMessageId twice). The verdict: every message stored exactly once, and
every device of every participant has every message of its conversations, live or recovered.

Everything is bounded: timeouts on every wait, a fixed number of retries, 127.0.0.1 only."""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx

from ops.demo.mobile_socket import HandshakeRefused, MobileSocket, NotSent
from ops.local.telemetry import percentile

PASSWORD = "Load-Password-1"
SEND_ATTEMPTS = 10  # about a minute and a half of waiting for an ack
CONNECT_ATTEMPTS = 16  # backoff capped at 3 s: about a minute of trying


@dataclass
class LoadConfig:
    users: int
    second_devices: int  # how many users have a second device
    conversations: int
    group_size: int
    seconds: float
    send_rate: float  # messages/s offered in total
    churn_interval_s: float  # one random disconnect every this many seconds
    offline_s: tuple[float, float] = (0.2, 2.0)
    duplicate_share: float = 0.1
    catch_up_margin_s: float = 60.0
    seed: int = 7


@dataclass
class Sent:
    conversation_id: str
    client_message_id: str
    sender_device: str
    sent_at: float
    message_ids: set[str] = field(default_factory=set)  # from every ack (a duplicate gets the same one)


@dataclass
class Stats:
    sent: dict[str, Sent] = field(default_factory=dict)  # by clientMessageId
    duplicates_sent: int = 0
    resends: int = 0  # sendMessage sent again (throttled, no ack in time, or dropped)
    disconnects: int = 0
    reconnects: int = 0
    recovered: int = 0  # messages a device got from the catch-up and not live
    connect_throttled: int = 0
    connect_failed: Counter[int] = field(default_factory=Counter)
    rest_throttled: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    missed_by_strict_cursor: int = 0  # recovered only thanks to the rewound cursor
    task_failures: list[str] = field(default_factory=list)
    latency_ms: list[float] = field(default_factory=list)


_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def rewind(message_id: str, seconds: float) -> str:
    """The smallest id of ``seconds`` before ``message_id`` (a ULID: 10 characters of
    millisecond timestamp, then randomness), a valid ``after=`` cursor."""
    millis = 0
    for char in message_id[:10]:
        millis = millis * 32 + _CROCKFORD.index(char)
    millis = max(0, millis - int(seconds * 1000))
    prefix = ""
    for _ in range(10):
        millis, digit = divmod(millis, 32)
        prefix = _CROCKFORD[digit] + prefix
    return prefix + "0" * 16


class LoadError(Exception):
    """A step that must not fail did."""


class Rest:
    def __init__(self, base_url: str, stats: Stats) -> None:
        self.http = httpx.AsyncClient(base_url=base_url, timeout=30, limits=httpx.Limits(max_connections=32))
        self.stats = stats

    async def call(self, method: str, path: str, token: str | None = None, **kw: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        for attempt in range(8):
            response = await self.http.request(method, path, headers=headers, **kw)
            if response.status_code not in (429, 503):
                return response
            self.stats.rest_throttled += 1
            await asyncio.sleep(min(2.0, 0.1 * 2**attempt))
        raise LoadError(f"{method} {path}: still throttled")

    async def messages(self, token: str, conversation_id: str, after: str | None) -> list[dict[str, Any]]:
        """Every message (oldest first) after ``after`` (all of them when None)."""
        items: list[dict[str, Any]] = []
        if after is None:  # newest first with ``before`` pages, then reversed
            cursor = None
            for _ in range(200):
                params: dict[str, Any] = {"limit": 100, **({"before": cursor} if cursor else {})}
                page = await self.call("GET", f"/conversations/{conversation_id}/messages", token, params=params)
                if page.status_code != 200:
                    raise LoadError(f"list messages: {page.status_code} {page.text}")
                items += page.json()["items"]
                cursor = page.json().get("nextCursor")
                if not cursor:
                    return sorted(items, key=lambda m: m["messageId"])
            raise LoadError("too many pages")
        cursor = after
        for _ in range(200):
            params = {"limit": 100, "after": cursor}
            page = await self.call("GET", f"/conversations/{conversation_id}/messages", token, params=params)
            if page.status_code != 200:
                raise LoadError(f"catch-up: {page.status_code} {page.text}")
            got = page.json()["items"]
            items += got
            cursor = page.json().get("nextCursor")
            if not cursor or not got:
                return items
        raise LoadError("too many pages")


@dataclass(eq=False)
class User:
    index: int
    user_id: str = ""
    token: str = ""
    conversations: list[str] = field(default_factory=list)
    devices: list[Device] = field(default_factory=list)


class Device(MobileSocket):
    """One device of a load user; what it received live, recovered and sent itself."""

    def __init__(self, user: User, name: str, stats: Stats) -> None:
        super().__init__(
            f"u{user.index}-{name}",
            connect_attempts=CONNECT_ATTEMPTS,
            send_attempts=SEND_ATTEMPTS,
            ack_timeout_s=(4.0, 2.0, 12.0),
            offline_wait_s=20.0,  # like the mobile client's outbox: sent again after a reconnect
        )
        self.user = user
        self.stats = stats
        self.live: dict[str, float] = {}  # messageId -> receive time
        self.recovered: set[str] = set()
        self.own: set[str] = set()  # messageIds of this device's acked sends (no message.new to it)
        self.last_seen: dict[str, str] = {}  # conversationId -> newest messageId seen
        self.busy = False  # offline or catching up

    async def connect(self, url: str, token: str | None = None) -> None:
        try:
            await super().connect(url, token or self.user.token)
        except HandshakeRefused as refused:
            raise LoadError(f"{self.id}: connect refused {refused.status}") from refused

    def on_handshake_retry(self, status: int) -> None:
        if status == 429:
            self.stats.connect_throttled += 1
        else:
            self.stats.connect_failed[status] += 1

    def on_resend(self, reason: str) -> None:
        self.stats.resends += 1

    def on_unparseable(self) -> None:
        self.stats.errors["unparseable frame"] += 1

    def _seen(self, message: dict[str, Any]) -> None:
        conversation, message_id = str(message.get("conversationId")), str(message.get("messageId"))
        if message_id > self.last_seen.get(conversation, ""):
            self.last_seen[conversation] = message_id

    def on_event(self, event: dict[str, Any], received_at: float) -> None:
        kind = event.get("type")
        if kind == "message.new":
            message = event.get("message") or {}
            self.live.setdefault(str(message.get("messageId")), received_at)
            self._seen(message)
        elif kind == "error":
            self.stats.errors[f"ws error {event.get('code')}"] += 1
        elif kind is None:  # the gateway's own answers (throttled, internal error)
            self.stats.errors[f"gateway {event.get('message')}"] += 1

    async def send(self, sent: Sent, content: str) -> str:
        """``sendMessage`` until acked (same clientMessageId on every retry); the messageId."""
        frame = {
            "action": "sendMessage",
            "conversationId": sent.conversation_id,
            "clientMessageId": sent.client_message_id,
            "content": content,
        }
        try:
            ack = await self.send_until_acked(frame)
        except NotSent as unacked:
            raise LoadError(str(unacked)) from unacked
        message_id = str(ack["messageId"])
        sent.message_ids.add(message_id)
        self.own.add(message_id)
        return message_id


class Load:
    def __init__(self, rest_url: str, websocket_url: str, config: LoadConfig) -> None:
        self.config = config
        self.stats = Stats()
        self.rest = Rest(rest_url, self.stats)
        self.websocket_url = websocket_url
        self.rng = random.Random(config.seed)
        self.users: list[User] = []
        self.members: dict[str, list[User]] = {}
        self.devices: list[Device] = []
        self.elapsed_s = 0.0
        self._ids = 0

    async def setup(self) -> None:
        stamp = f"{int(time.time() * 1000)}.{self.rng.getrandbits(24)}"
        self.users = [User(i) for i in range(self.config.users)]
        gate = asyncio.Semaphore(6)

        async def sign_up(user: User) -> None:
            email = f"load{user.index}.{stamp}@example.com"
            async with gate:
                body = {"email": email, "password": PASSWORD, "name": f"L{user.index}"}
                registered = await self.rest.call("POST", "/auth/register", json=body)
                if registered.status_code != 201:
                    raise LoadError(f"register: {registered.status_code} {registered.text}")
                login = await self.rest.call("POST", "/auth/login", json={"email": email, "password": PASSWORD})
                if login.status_code != 200:
                    raise LoadError(f"login: {login.status_code} {login.text}")
                user.user_id, user.token = login.json()["userId"], login.json()["idToken"]

        await asyncio.gather(*(sign_up(u) for u in self.users))
        # every user in at least one group; groups drawn at random
        order = list(self.users)
        self.rng.shuffle(order)
        for c in range(self.config.conversations):
            members = {order[(c * self.config.group_size + k) % len(order)] for k in range(self.config.group_size)}
            while len(members) < self.config.group_size:
                members.add(self.rng.choice(self.users))
            creator, *others = list(members)
            body = {"participantIds": [u.user_id for u in others], "isGroup": True, "name": f"load{c}"}
            created = await self.rest.call("POST", "/conversations", creator.token, json=body)
            if created.status_code != 201:
                raise LoadError(f"create conversation: {created.status_code} {created.text}")
            conversation_id = created.json()["conversationId"]
            self.members[conversation_id] = list(members)
            for user in members:
                user.conversations.append(conversation_id)
        for user in self.users:
            user.devices.append(Device(user, "phone", self.stats))
        for user in self.rng.sample(self.users, self.config.second_devices):
            user.devices.append(Device(user, "tablet", self.stats))
        self.devices = [d for u in self.users for d in u.devices]

        async def connect(device: Device) -> None:
            async with gate:
                await device.connect(self.websocket_url)

        await asyncio.gather(*(connect(d) for d in self.devices))

    def _track(self, coroutine: Any, tasks: set[asyncio.Task[None]]) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        tasks.add(task)

        def done(finished: asyncio.Task[None]) -> None:
            tasks.discard(finished)
            if not finished.cancelled() and finished.exception() is not None:
                self.stats.task_failures.append(repr(finished.exception()))

        task.add_done_callback(done)

    async def _send_one(self, conversation_id: str, device: Device, duplicate: bool) -> None:
        self._ids += 1
        sent = Sent(conversation_id, f"load-{self._ids}-{device.id}", device.id, time.perf_counter())
        self.stats.sent[sent.client_message_id] = sent
        content = f"m{self._ids} from {device.id}"
        try:
            await device.send(sent, content)
            if duplicate:
                self.stats.duplicates_sent += 1
                await device.send(sent, content)
        except LoadError:
            # no ack after every try (the client shows "not sent"): the message may or may not
            # be stored; the verdict reads what was stored and judges its delivery like any other
            self.stats.errors["send gave up (offline or no ack after every try)"] += 1

    async def _sender(self, deadline: float, tasks: set[asyncio.Task[None]]) -> None:
        interval = 1.0 / self.config.send_rate
        next_at = time.perf_counter()
        conversations = list(self.members)
        while time.perf_counter() < deadline:
            conversation_id = self.rng.choice(conversations)
            candidates = [
                d for u in self.members[conversation_id] for d in u.devices if d.socket is not None and not d.busy
            ]
            if candidates:
                device = self.rng.choice(candidates)
                duplicate = self.rng.random() < self.config.duplicate_share
                self._track(self._send_one(conversation_id, device, duplicate), tasks)
            next_at += interval
            await asyncio.sleep(max(0.0, next_at - time.perf_counter()))

    async def _bounce(self, device: Device) -> None:
        """Disconnect, stay offline a while, reconnect, catch up with ``after=<last seen>``."""
        device.busy = True
        try:
            await device.close()
            self.stats.disconnects += 1
            await asyncio.sleep(self.rng.uniform(*self.config.offline_s))
            await device.connect(self.websocket_url)
            self.stats.reconnects += 1
            for conversation_id in device.user.conversations:
                last_seen = device.last_seen.get(conversation_id)
                # ``after=<last seen>`` alone can miss a message: ids are assigned before the
                # write, so a message of a concurrent sender with a lower id can be fanned out
                # after a higher one was received. The client rewinds its cursor by a margin
                # (ids start with their millisecond timestamp) and counts what the strict
                # cursor would have missed.
                after = rewind(last_seen, self.config.catch_up_margin_s) if last_seen else None
                for message in await self.rest.messages(device.user.token, conversation_id, after):
                    message_id = str(message["messageId"])
                    known = device.live.keys() | device.recovered | device.own
                    if message_id not in known:
                        device.recovered.add(message_id)
                        if last_seen and message_id <= last_seen:
                            self.stats.missed_by_strict_cursor += 1
                    device._seen(message)
        finally:
            device.busy = False

    async def _churn(self, deadline: float, tasks: set[asyncio.Task[None]]) -> None:
        while time.perf_counter() < deadline:
            await asyncio.sleep(self.config.churn_interval_s)
            candidates = [d for d in self.devices if d.socket is not None and not d.busy]
            if candidates:
                self._track(self._bounce(self.rng.choice(candidates)), tasks)

    async def run(self) -> None:
        started = time.perf_counter()
        deadline = started + self.config.seconds
        sends: set[asyncio.Task[None]] = set()
        bounces: set[asyncio.Task[None]] = set()
        await asyncio.gather(self._sender(deadline, sends), self._churn(deadline, bounces))
        # bounded drain: pending sends (acks), reconnects and catch-ups, then late deliveries
        for group in (sends, bounces):
            if group:
                _, pending = await asyncio.wait(set(group), timeout=60)
                for task in pending:
                    task.cancel()
                if pending:
                    raise LoadError(f"{len(pending)} tasks did not finish in 60 s")
        self.elapsed_s = time.perf_counter() - started
        await asyncio.sleep(3)

    async def verdict(self) -> dict[str, Any]:
        """Stored exactly once, and every device has every message (live or recovered)."""
        stored_by_client: Counter[str] = Counter()
        stored: dict[str, dict[str, Any]] = {}
        for conversation_id, members in self.members.items():
            for message in await self.rest.messages(members[0].token, conversation_id, None):
                stored_by_client[str(message["clientMessageId"])] += 1
                stored[str(message["messageId"])] = message
        acked = {cid: s for cid, s in self.stats.sent.items() if s.message_ids}
        duplicates_stored = sum(n - 1 for n in stored_by_client.values() if n > 1)
        acked_not_stored = [cid for cid in acked if stored_by_client[cid] == 0]
        inconsistent_acks = [cid for cid, s in acked.items() if len(s.message_ids) != 1]
        unknown_stored = [cid for cid in stored_by_client if cid not in self.stats.sent]
        lost: list[tuple[str, str]] = []
        for message_id, message in stored.items():
            sent = self.stats.sent.get(str(message["clientMessageId"]))
            for user in self.members[str(message["conversationId"])]:
                for device in user.devices:
                    if message_id in device.live or message_id in device.recovered:
                        if device.id != (sent.sender_device if sent else "") and message_id in device.live and sent:
                            self.stats.latency_ms.append((device.live[message_id] - sent.sent_at) * 1000)
                        continue
                    if sent is not None and sent.sender_device == device.id and message_id in sent.message_ids:
                        continue  # its own send, acked
                    lost.append((message_id, device.id))
        deliveries = len(self.stats.latency_ms)
        return {
            "devices": len(self.devices),
            "users": len(self.users),
            "conversations": len(self.members),
            "sent": len(self.stats.sent),
            "acked": len(acked),
            "stored": len(stored),
            "duplicate_sends": self.stats.duplicates_sent,
            "duplicates_stored": duplicates_stored,
            "acked_not_stored": len(acked_not_stored),
            "inconsistent_acks": len(inconsistent_acks),
            "unknown_stored": len(unknown_stored),
            "lost": len(lost),
            "lost_examples": lost[:5],
            "missed_by_strict_cursor": self.stats.missed_by_strict_cursor,
            "task_failures": self.stats.task_failures[:5],
            "recovered": sum(len(d.recovered) for d in self.devices),
            "live_deliveries": deliveries,
            "disconnects": self.stats.disconnects,
            "reconnects": self.stats.reconnects,
            "resends": self.stats.resends,
            "connect_throttled": self.stats.connect_throttled,
            "connect_failed": dict(self.stats.connect_failed),
            "rest_throttled": self.stats.rest_throttled,
            "errors": dict(self.stats.errors),
            "elapsed_s": round(self.elapsed_s, 1),
            "stored_per_s": round(len(stored) / self.elapsed_s, 1) if self.elapsed_s else 0.0,
            "deliveries_per_s": round(deliveries / self.elapsed_s, 1) if self.elapsed_s else 0.0,
            "p50_ms": percentile(self.stats.latency_ms, 50),
            "p99_ms": percentile(self.stats.latency_ms, 99),
        }

    async def close(self) -> None:
        await asyncio.gather(*(d.close() for d in self.devices))
        await self.rest.http.aclose()


async def run_load(rest_url: str, websocket_url: str, config: LoadConfig, budget_s: float) -> dict[str, Any]:
    """Set up, drive, judge; the whole thing within ``budget_s`` seconds."""
    load = Load(rest_url, websocket_url, config)

    async def go() -> dict[str, Any]:
        setup_started = time.perf_counter()
        await load.setup()
        setup_s = time.perf_counter() - setup_started
        await load.run()
        result = await load.verdict()
        result["setup_s"] = round(setup_s, 1)
        return result

    try:
        return await asyncio.wait_for(go(), budget_s)
    finally:
        await load.close()


def check(result: dict[str, Any]) -> None:
    """The assertions shared by the short and the long run."""
    assert result["stored"] > 0, result
    assert result["duplicates_stored"] == 0, result
    assert result["acked_not_stored"] == 0, result
    assert result["inconsistent_acks"] == 0, result
    assert result["unknown_stored"] == 0, result
    assert result["lost"] == 0, result
    assert not result["task_failures"], result
    assert result["disconnects"] > 0 and result["reconnects"] == result["disconnects"], result
    assert result["duplicate_sends"] > 0, result
