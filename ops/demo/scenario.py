"""The scripted day: sign-ups, profiles, devices, direct and group conversations, chat with
multi-device fan-out, typing and read markers, reconnects with catch-up, calls with
signalling, uploads; then the check that every message was stored and delivered."""

from __future__ import annotations

import asyncio
import functools
import random
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import httpx
from websockets.exceptions import WebSocketException

from ops.demo.client import Api, DemoError, Device, Ledger, User

NAMES = ["Ada", "Bob", "Cy", "Dee", "Eve", "Fay", "Gus", "Hal", "Ivy", "Jo", "Kai", "Lu", "Mo", "Ned", "Oz", "Pia"]

Progress = Callable[[str, int], None]


@dataclass(frozen=True)
class Plan:
    """How much traffic: users, chat rounds, calls and uploads."""

    users: int = 12
    rounds: int = 6
    calls: int = 3
    uploads: int = 3
    group_size: int = 4
    seed: int = 7

    def steps(self) -> int:
        """Units of work, for the progress bar."""
        return self.users * 3 + self.rounds * self.users + self.users + self.calls + self.uploads + 3


@dataclass
class Outcome:
    """What the day produced."""

    ledger: Ledger
    users: list[User]
    conversations: dict[str, list[User]]
    catch_up_missing: int = 0
    catch_up_checked: int = 0
    not_stored: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0


class Day:
    """Runs the plan against a twin's REST and WebSocket URLs."""

    def __init__(self, rest_url: str, websocket_url: str, plan: Plan, progress: Progress) -> None:
        self.plan = plan
        self.ledger = Ledger()
        self.api = Api(rest_url, self.ledger)
        self.websocket_url = websocket_url
        self.progress = progress
        self.random = random.Random(plan.seed)  # noqa: S311 - a reproducible script, not a secret
        self.users: list[User] = []
        self.conversations: dict[str, list[User]] = {}
        self.outcome = Outcome(self.ledger, self.users, self.conversations)

    async def run(self) -> Outcome:
        """The whole day; devices are closed whatever happens."""
        started = time.perf_counter()
        try:
            await self._steps()
        finally:
            await asyncio.gather(*(d.close() for u in self.users for d in u.devices), return_exceptions=True)
            await self.api.close()
            self.outcome.seconds = time.perf_counter() - started
        return self.outcome

    async def _guard(self, what: str, step: Awaitable[Any]) -> Any:
        try:
            return await step
        except (DemoError, httpx.HTTPError, OSError, WebSocketException) as error:
            self.outcome.failures.append(f"{what}: {error}")
            return None

    async def _steps(self) -> None:
        plan = self.plan
        run_id = f"{int(time.time())}{self.random.randrange(1000):03d}"
        self.users.extend(
            User(f"{NAMES[i % len(NAMES)]}{i // len(NAMES) or ''}", f"demo{i}.{run_id}@example.com", self.ledger)
            for i in range(plan.users)
        )
        # People arrive over the morning, not all in the same instant.
        await self._each(self.users, self._morning, "sign-ups and profiles", at_once=3)
        await self._each(self.users, self._connect_devices, "devices connect", at_once=4)
        await self._create_conversations()
        self.progress("conversations", 1)
        for round_number in range(plan.rounds):
            await self._each(
                self.users, functools.partial(self._chat, round_number=round_number), f"chat round {round_number + 1}"
            )
        await self._reconnect_with_catch_up()
        self.progress("reconnects", 1)
        await asyncio.gather(*(self._guard("call", self._call(i)) for i in range(plan.calls)))
        await asyncio.gather(*(self._guard("upload", self._upload(i)) for i in range(plan.uploads)))
        await self._each(self.users, self._ping, "pings", at_once=4)
        await self._settle()
        await self._verify_storage()
        self.progress("verified", 1)

    async def _each(
        self, users: Iterable[User], step: Callable[[User], Awaitable[Any]], label: str, at_once: int = 1000
    ) -> None:
        gate = asyncio.Semaphore(at_once)

        async def one(user: User) -> None:
            async with gate:
                await self._guard(f"{label} ({user.name})", step(user))
            self.progress(label, 1)

        await asyncio.gather(*(one(u) for u in users))

    # -- the morning: accounts, profiles, devices ---------------------------------------

    async def _morning(self, user: User) -> None:
        await self.api.sign_up(user)
        self.progress("sign-ups and profiles", 1)
        await self.api.call("PATCH", "/me", user, {"name": f"{user.name} (demo)"})
        await self.api.call("GET", "/me", user)
        self.progress("sign-ups and profiles", 1)

    async def _connect_devices(self, user: User) -> None:
        index = self.users.index(user)
        names = ["phone", "laptop"] if index % 3 == 0 else ["phone"]
        for name in names:
            device = Device(user, name)
            await device.connect(self.websocket_url)
            user.devices.append(device)

    async def _create_conversations(self) -> None:
        users = self.users
        for i, user in enumerate(users):  # a ring of direct conversations
            other = users[(i + 1) % len(users)]
            if other is user:
                continue
            answer = await self._guard(
                "direct conversation",
                self.api.call("POST", "/conversations", user, {"participantIds": [other.user_id]}),
            )
            if answer is not None:
                self.conversations[answer.json()["conversationId"]] = [user, other]
        size = self.plan.group_size
        for start in range(0, len(users) - size + 1, size):
            members = users[start : start + size]
            answer = await self._guard(
                "group",
                self.api.call(
                    "POST",
                    "/conversations",
                    members[0],
                    {
                        "participantIds": [m.user_id for m in members[1:]],
                        "name": f"Team {start // size + 1}",
                        "isGroup": True,
                    },
                ),
            )
            if answer is None:
                continue
            conversation_id = answer.json()["conversationId"]
            self.conversations[conversation_id] = list(members)
        if len(users) > size and self.conversations:
            # one group grows by a member
            conversation_id, members = next((c, m) for c, m in self.conversations.items() if len(m) > 2)
            newcomer = next(u for u in users if u not in members)
            added = await self._guard(
                "add participant",
                self.api.call(
                    "POST",
                    f"/conversations/{conversation_id}/participants",
                    members[0],
                    {"userIds": [newcomer.user_id]},
                ),
            )
            if added is not None:
                members.append(newcomer)
        await self._guard("list conversations", self.api.call("GET", "/conversations?limit=20", users[0]))

    # -- the day: chat ------------------------------------------------------------------

    def _conversations_of(self, user: User) -> list[str]:
        return [c for c, members in self.conversations.items() if user in members]

    def _open_devices(self, conversation_id: str, exclude: Device | None = None) -> set[str]:
        members = self.conversations[conversation_id]
        return {d.id for u in members for d in u.devices if d.connected and d is not exclude}

    async def _chat(self, user: User, round_number: int) -> None:
        mine = self._conversations_of(user)
        devices = [d for d in user.devices if d.connected]
        if not mine or not devices:
            return
        conversation_id = self.random.choice(mine)
        device = self.random.choice(devices)
        await asyncio.sleep(self.random.random() * 1.5)  # people do not type in lockstep
        if self.random.random() < 0.5:
            await device.send({"action": "typing", "conversationId": conversation_id})
        text = f"round {round_number + 1} from {user.name}"
        if self.random.random() < 0.2:  # sometimes over REST (a client without a socket)
            expected = self._open_devices(conversation_id)
            started = time.perf_counter()
            answer = await self.api.call(
                "POST",
                f"/conversations/{conversation_id}/messages",
                user,
                {"clientMessageId": f"r{round_number}-{user.name}", "content": text},
            )
            message_id = answer.json()["messageId"]
            self.ledger.expect(message_id, conversation_id, started, expected)
        else:
            expected = self._open_devices(conversation_id, exclude=device)
            ack = await device.send_message(conversation_id, text)
            message_id = ack["messageId"]
            self.ledger.expect(message_id, conversation_id, ack["sent_at"], expected)
        reader = self.random.choice([u for u in self.conversations[conversation_id] if u is not user])
        reader_device = next((d for d in reader.devices if d.connected), None)
        if reader_device is not None and self.random.random() < 0.5:
            await reader_device.send({"action": "markRead", "conversationId": conversation_id, "messageId": message_id})
        elif self.random.random() < 0.3:
            await self.api.call("POST", f"/conversations/{conversation_id}/read", reader, {"messageId": message_id})

    # -- reconnects ---------------------------------------------------------------------

    async def _reconnect_with_catch_up(self) -> None:
        travellers = [u for u in self.users[1::5] if self._conversations_of(u)][:2]
        seen: dict[str, dict[str, str | None]] = {}
        for user in travellers:
            seen[user.name] = {c: await self._newest(user, c) for c in self._conversations_of(user)}
            for device in user.devices:
                await device.close()
        await asyncio.sleep(0.3)
        # others keep talking to them
        for user in travellers:
            for conversation_id in self._conversations_of(user):
                sender = next(u for u in self.conversations[conversation_id] if u is not user)
                online = next((d for d in sender.devices if d.connected), None)
                if online is None:
                    continue
                device = online
                ack = await self._guard(
                    "message while away", device.send_message(conversation_id, f"while {user.name} was away")
                )
                if ack is not None:
                    expected = self._open_devices(conversation_id, exclude=device)
                    self.ledger.expect(ack["messageId"], conversation_id, ack["sent_at"], expected)
        for user in travellers:
            for device in user.devices:
                await self._guard("reconnect", device.connect(self.websocket_url))
            for conversation_id, newest in seen[user.name].items():
                await self._catch_up(user, conversation_id, newest)

    async def _newest(self, user: User, conversation_id: str) -> str | None:
        answer = await self.api.call("GET", f"/conversations/{conversation_id}/messages?limit=1", user)
        items = answer.json()["items"]
        return str(items[0]["messageId"]) if items else None

    async def _catch_up(self, user: User, conversation_id: str, newest: str | None) -> None:
        path = f"/conversations/{conversation_id}/messages?limit=100"
        if newest:
            path += f"&after={newest}"
        answer = await self._guard("catch-up", self.api.call("GET", path, user))
        got = {m["messageId"] for m in answer.json()["items"]} if answer is not None else set()
        missed = [
            m
            for m, e in self.ledger.sent.items()
            if e.conversation_id == conversation_id and (newest is None or m > newest)
        ]
        self.outcome.catch_up_checked += len(missed)
        self.outcome.catch_up_missing += sum(1 for m in missed if m not in got)

    # -- calls and uploads --------------------------------------------------------------

    def _direct(self, index: int) -> tuple[str, User, User] | None:
        directs = [(c, m) for c, m in self.conversations.items() if len(m) == 2]
        if not directs:
            return None
        conversation_id, (caller, callee) = directs[(index * 3) % len(directs)]
        return conversation_id, caller, callee

    async def _call(self, index: int) -> None:
        picked = self._direct(index)
        if picked is None:
            return
        conversation_id, caller, callee = picked
        caller_device = next((d for d in caller.devices if d.connected), None)
        callee_device = next((d for d in callee.devices if d.connected), None)
        if caller_device is None or callee_device is None:
            raise DemoError(f"no connected device for the call between {caller.name} and {callee.name}")
        await self.api.call("GET", "/calls/ice-servers", caller)
        call = (
            await self.api.call(
                "POST",
                "/calls",
                caller,
                {"conversationId": conversation_id, "media": "video" if index % 2 else "audio"},
            )
        ).json()
        call_id = call["callId"]

        def same_call(event: dict[str, Any]) -> bool:
            return bool((event.get("call") or {}).get("callId") == call_id or event.get("callId") == call_id)

        await callee_device.wait_for("call.incoming", same_call)
        if index % 3 == 2:  # one in three is declined
            await self.api.call("POST", f"/calls/{call_id}/decline", callee)
            await caller_device.wait_for("call.declined", same_call)
        else:
            await self.api.call("POST", f"/calls/{call_id}/accept", callee)
            await caller_device.wait_for("call.accepted", same_call)
            for sender, receiver, kind in (
                (caller_device, callee_device, "offer"),
                (callee_device, caller_device, "answer"),
                (caller_device, callee_device, "ice"),
                (callee_device, caller_device, "ice"),
            ):
                await sender.send(
                    {
                        "action": "callSignal",
                        "callId": call_id,
                        "signalType": kind,
                        "payload": {"sdp": f"{kind}-{index}"},
                    }
                )
                await receiver.wait_for("call.signal", lambda e, k=kind: same_call(e) and e.get("signalType") == k)
            await asyncio.sleep(0.2)
            await self.api.call("POST", f"/calls/{call_id}/end", caller)
            await callee_device.wait_for("call.ended", same_call)
        await self.api.call("GET", f"/conversations/{conversation_id}/calls", callee)
        self.progress("calls", 1)

    async def _upload(self, index: int) -> None:
        picked = self._direct(index + 1)
        if picked is None:
            return
        conversation_id, sender, receiver = picked
        content = f"demo attachment {index}".encode()
        form = (
            await self.api.call(
                "POST",
                "/uploads",
                sender,
                {
                    "fileName": f"note{index}.txt",
                    "contentType": "text/plain",
                    "size": len(content),
                    "purpose": "attachment",
                    "conversationId": conversation_id,
                },
                expect=(201,),
            )
        ).json()
        stored = await self.api.http.post(
            form["url"], data=form["fields"], files={"file": (f"note{index}.txt", content, "text/plain")}
        )
        if stored.status_code not in (200, 201, 204):
            raise DemoError(f"the presigned POST answered {stored.status_code}")
        device = next((d for d in sender.devices if d.connected), None)
        if device is None:
            raise DemoError(f"{sender.name} has no connected device")
        expected = self._open_devices(conversation_id, exclude=device)
        attachment = {
            "key": form["key"],
            "contentType": "text/plain",
            "size": len(content),
            "fileName": f"note{index}.txt",
        }
        ack = await device.send_message(conversation_id, "see attached", attachments=[attachment])
        self.ledger.expect(ack["messageId"], conversation_id, ack["sent_at"], expected)
        link = (await self.api.call("GET", f"/uploads/{form['uploadId']}", receiver)).json()
        downloaded = await self.api.http.get(link["url"])
        if downloaded.content != content:
            raise DemoError("the downloaded attachment differs from the upload")
        self.progress("uploads", 1)

    async def _ping(self, user: User) -> None:
        for device in user.devices:
            if not device.connected:
                continue
            for attempt in range(3):  # a throttled ping gets no pong: ask again
                await device.send({"action": "ping"})
                try:
                    await device.wait_for("pong", timeout=2 + 2 * attempt)
                    break
                except DemoError:
                    if attempt == 2:
                        raise

    # -- the verdict --------------------------------------------------------------------

    async def _settle(self, timeout: float = 8.0) -> None:
        deadline = time.monotonic() + timeout
        while self.ledger.missing() and time.monotonic() < deadline:
            await asyncio.sleep(0.1)

    async def _verify_storage(self) -> None:
        by_conversation: dict[str, set[str]] = {}
        for message_id, entry in self.ledger.sent.items():
            by_conversation.setdefault(entry.conversation_id, set()).add(message_id)
        for conversation_id, wanted in by_conversation.items():
            reader = self.conversations[conversation_id][-1]
            stored: set[str] = set()
            cursor: str | None = None
            for _ in range(50):  # bounded pagination
                path = f"/conversations/{conversation_id}/messages?limit=100"
                answer = await self._guard(
                    "verify", self.api.call("GET", path + (f"&before={cursor}" if cursor else ""), reader)
                )
                if answer is None:
                    break
                page = answer.json()
                stored.update(m["messageId"] for m in page["items"])
                cursor = page.get("nextCursor")
                if not cursor:
                    break
            self.outcome.not_stored.extend(sorted(wanted - stored))
