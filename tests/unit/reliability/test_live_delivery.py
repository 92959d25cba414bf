"""Live delivery: a post answered 429 or 5xx is retried with backoff within the invocation's
budget; a peer that still misses a message learns it from the per-conversation ``seq`` every
message carries (the client rule in docs/realtime.md): the next message shows the gap, and
``GET .../messages?after=`` fills it."""

from __future__ import annotations

import time

import pytest
from backend import adapters
from backend.realtime.fanout import Fanout

from tests.support.api import Api
from tests.support.realtime import FakeSender, Socket


@pytest.fixture
def chat(api: Api, sender: FakeSender):
    ada, bob = api.sign_up("Ada"), api.sign_up("Bob")
    cid = api.post("/conversations", {"participantIds": [bob.user_id]}, token=ada.id_token).json["conversationId"]
    bob_socket = Socket(sender, bob.id_token)
    bob_socket.connect()
    return ada, bob, cid, bob_socket


def _send(api: Api, user, cid: str, text: str):
    return api.post(f"/conversations/{cid}/messages", {"clientMessageId": text, "content": text}, token=user.id_token)


def test_throttled_and_failing_posts_are_retried_until_delivered(api: Api, chat, sender: FakeSender) -> None:
    ada, _bob, cid, bob_socket = chat
    sender.retryable_failures[bob_socket.id] = 3  # 429, 500, 429, then it goes through
    assert _send(api, ada, cid, "hello").status == 201
    assert [e["message"]["content"] for e in bob_socket.received("message.new")] == ["hello"]
    assert sender.retryable_failures[bob_socket.id] == 0


def test_retries_stop_within_the_budget_and_the_send_still_succeeds(api: Api, chat, sender: FakeSender) -> None:
    ada, _bob, cid, bob_socket = chat
    adapters.use(sender=sender, fanout=Fanout(8, retry_budget_s=0.3))
    sender.retryable_failures[bob_socket.id] = 10**6
    started = time.monotonic()
    assert _send(api, ada, cid, "lost-live").status == 201
    assert time.monotonic() - started < 2.0
    assert bob_socket.received("message.new") == []


def test_a_peer_that_missed_a_message_sees_the_gap_in_seq_and_fills_it(api: Api, chat, sender: FakeSender) -> None:
    ada, bob, cid, bob_socket = chat
    assert _send(api, ada, cid, "one").status == 201
    sender.broken.add(bob_socket.id)  # a failure that is not retried (e.g. 403)
    assert _send(api, ada, cid, "two").status == 201
    sender.broken.discard(bob_socket.id)
    assert _send(api, ada, cid, "three").status == 201
    live = [e["message"] for e in bob_socket.received("message.new")]
    assert [m["content"] for m in live] == ["one", "three"]
    # the client rule: consecutive seq per conversation; a jump means something was missed
    seqs = [m["seq"] for m in live]
    assert seqs[1] - seqs[0] == 2
    after = live[0]["messageId"]
    filled = api.get(f"/conversations/{cid}/messages?after={after}", token=bob.id_token).json["items"]
    assert {m["seq"] for m in filled} >= {seqs[0] + 1}
    assert "two" in [m["content"] for m in filled]
