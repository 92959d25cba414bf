"""Client traffic for the prove scenarios, paced by the twin's clock.

A *profile* says how many requests each minute of the twin's clock gets: ``low`` one a
minute, ``medium`` twenty, ``fanout`` eight (messages), ``bursty`` nothing for four minutes then sixty at once. Requests
are what a signed-in mobile client does: ``GET /me`` (the chat function); for the WebSocket
scenarios also a connection opened with the user's token and closed again; for the fan-out
scenarios a message sent to a direct conversation whose other participant stays connected.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import httpx
from websockets.exceptions import InvalidStatus, WebSocketException
from websockets.sync.client import connect

from alarms.evaluator import ScaledClock

PASSWORD = "Prove-Passw0rd!"
SENDERS = 6


def per_minute(profile: str, minute: int) -> int:
    """Requests in twin minute ``minute`` of ``profile``."""
    if profile == "low":
        return 1
    if profile == "medium":
        return 20
    if profile == "fanout":
        return 8
    if profile == "bursty":
        return 60 if minute % 5 == 4 else 0
    if profile == "idle":
        return 0
    raise ValueError(f"unknown traffic profile {profile!r}: low, medium, bursty or idle")


class Traffic:
    """A signed-in user sending ``profile`` traffic in a background thread."""

    def __init__(self, rest_url: str, websocket_url: str, clock: ScaledClock) -> None:
        self.rest_url = rest_url
        self.websocket_url = websocket_url
        self.clock = clock
        self.http = httpx.Client(base_url=rest_url, timeout=30)
        self.statuses: Counter[str] = Counter()
        self._token = ""
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.profile = "idle"
        self.websocket = False
        self.messages = False
        self._conversations: list[tuple[str, str]] = []
        self._next = itertools.count()
        self._peer: threading.Thread | None = None
        # Requests of a minute overlap (as many clients' would) so a slow machine keeps the rate.
        # A throttled dependency holds a request for seconds of wall time (the SDK's backoff), which a
        # fast clock turns into minutes: enough clients keep the rate of failed requests.
        self._pool = ThreadPoolExecutor(max_workers=16, thread_name_prefix="prove-client")

    def sign_in(self) -> None:
        """Register and log in a fresh user (retrying 5xx answers, as the mobile client does:
        a first cold start on a busy machine can outlast the function's init timeout)."""
        email = f"prove-{uuid.uuid4().hex[:10]}@example.com"
        body = {"email": email, "password": PASSWORD, "name": "Prove"}
        self._retrying("/auth/register", body, (201, 409))
        login = self._retrying("/auth/login", {"email": email, "password": PASSWORD}, (200,))
        self._token = login.json()["idToken"]

    def _start_conversation(self) -> None:
        """A second user, connected, and direct conversations with them from a few senders
        (once). Several senders because the per-user send limit counts wall-clock minutes,
        which a fast twin clock squeezes."""
        if self._conversations:
            return
        peer_id, peer_token = self._user("peer")
        for _ in range(SENDERS):
            _, token = self._user("sender")
            created = self.http.post(
                "/conversations", json={"participantIds": [peer_id]}, headers={"Authorization": f"Bearer {token}"}
            )
            created.raise_for_status()
            self._conversations.append((token, created.json()["conversationId"]))
        self._peer = threading.Thread(target=self._listen, args=(peer_token,), name="prove-peer", daemon=True)
        self._peer.start()

    def _user(self, kind: str) -> tuple[str, str]:
        email = f"{kind}-{uuid.uuid4().hex[:10]}@example.com"
        registered = self._retrying("/auth/register", {"email": email, "password": PASSWORD, "name": kind}, (201,))
        login = self._retrying("/auth/login", {"email": email, "password": PASSWORD}, (200,))
        return registered.json()["userId"], login.json()["idToken"]

    def _listen(self, token: str) -> None:
        # The peer stays connected (reconnecting when dropped) so that every send fans out.
        while not self._stop.is_set():
            try:
                with connect(f"{self.websocket_url}?token={token}", open_timeout=10, close_timeout=1) as socket:
                    while not self._stop.is_set():
                        with contextlib.suppress(TimeoutError):
                            socket.recv(timeout=0.5)
            except (OSError, WebSocketException, TimeoutError):
                self._stop.wait(0.5)

    def _retrying(self, path: str, body: dict[str, str], ok: tuple[int, ...]) -> httpx.Response:
        response = self.http.post(path, json=body)
        for attempt in range(5):
            if response.status_code in ok or response.status_code < 500:
                break
            time.sleep(0.5 * 2**attempt)
            response = self.http.post(path, json=body)
        response.raise_for_status()
        return response

    def one(self) -> None:
        """One request of the profile (and a WebSocket connect when asked for)."""
        headers = {"Authorization": f"Bearer {self._token}"}
        try:
            if self.messages:
                # A message to the connected peer instead of a profile read: every one fans out.
                token, conversation = self._conversations[next(self._next) % len(self._conversations)]
                body = {"clientMessageId": str(uuid.uuid4()), "content": "prove"}
                sent = self.http.post(
                    f"/conversations/{conversation}/messages",
                    json=body,
                    headers={"Authorization": f"Bearer {token}"},
                )
                self.statuses[f"POST message {sent.status_code}"] += 1
            else:
                response = self.http.get("/me", headers=headers)
                self.statuses[f"GET /me {response.status_code}"] += 1
        except httpx.HTTPError as error:
            self.statuses[f"request {type(error).__name__}"] += 1
        if self.websocket:
            try:
                with connect(f"{self.websocket_url}?token={self._token}", open_timeout=10, close_timeout=2):
                    self.statuses["ws connect 101"] += 1
            except InvalidStatus as refused:
                self.statuses[f"ws connect {refused.response.status_code}"] += 1
            except (OSError, WebSocketException, TimeoutError) as error:
                self.statuses[f"ws connect {type(error).__name__}"] += 1

    def run(self, profile: str, websocket: bool = False, messages: bool = False) -> None:
        """Switch to ``profile`` (the thread starts on first use)."""
        per_minute(profile, 0)  # ValueError for an unknown profile
        if messages:
            self._start_conversation()
        self.profile, self.websocket, self.messages = profile, websocket, messages
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._loop, name="prove-traffic", daemon=True)
            self._thread.start()

    def _loop(self) -> None:
        while not self._stop.is_set():
            now = self.clock.now()
            minute_start = now - now % 60
            count = per_minute(self.profile, int(minute_start // 60))
            for index in range(count):
                # Spread the minute's requests over its first half, so they land in it.
                moment = minute_start + 30 * index / max(1, count)
                wait = self.clock.real_seconds(moment - self.clock.now())
                if wait > 0 and self._stop.wait(wait):
                    return
                self._pool.submit(self.one)
            wait = self.clock.real_seconds(minute_start + 60 - self.clock.now())
            if wait > 0 and self._stop.wait(wait):
                return

    def stop(self) -> None:
        """Stop sending and close the client."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None
        self._pool.shutdown(wait=True, cancel_futures=True)
        with contextlib.suppress(Exception):
            self.http.close()


def wait_for(predicate: Callable[[], bool], timeout_s: float, step_s: float = 0.1) -> float | None:
    """Seconds (wall clock) until ``predicate`` held, None when it did not within ``timeout_s``."""
    started = time.monotonic()
    while time.monotonic() - started < timeout_s:
        if predicate():
            return time.monotonic() - started
        time.sleep(step_s)
    return None
