"""WebSocket frame fuzzing over a real socket to the twin: seeded random bad frames (random
actions, fields, types, sizes, encodings, invalid UTF-8 in binary frames, huge frames, nested
junk). Every one is answered with an ``error`` event, the connection stays open (``ping`` still
gets ``pong``), and nothing is stored (the conversation's messages are unchanged)."""

from __future__ import annotations

import asyncio
import json
import random
import string
from collections import Counter
from typing import Any

from ops.local.twin import Twin
from tests.support.twin import Rest, connect, receive_json

FRAMES = 150
SEED = 20261125
JUNK: list[Any] = [None, True, False, 0, -1, 2**70, 1.5e308, "", " ", [], {}, [1, [2, [3]]], {"a": {"b": None}}]


def _text(rng: random.Random, size: int) -> str:
    alphabet = string.printable + "\u00e9\u4e2d\U0001f600\u0000\u202e"
    return "".join(rng.choice(alphabet) for _ in range(size))


def _nested(rng: random.Random, depth: int) -> Any:
    value: Any = rng.choice(JUNK)
    for _ in range(depth):
        value = [value] if rng.random() < 0.5 else {rng.choice("abc"): value}
    return value


def _bad_id(rng: random.Random) -> Any:
    return rng.choice([*JUNK, "x" * 65, "../etc", "a b", "\u00e9", "conv#1", "' OR 1=1 --", _text(rng, 10) + "!"])


def bad_frame(rng: random.Random, conversation_id: str) -> tuple[str, str | bytes]:
    """(kind, frame): a frame that must be refused whatever else it contains."""
    kind = rng.choice(
        [
            "not_json",
            "invalid_utf8",
            "json_not_object",
            "unknown_action",
            "send_bad_field",
            "send_missing_field",
            "send_foreign_conversation",
            "send_huge",
            "nested_junk",
            "deep_nesting",
            "typing_bad",
            "mark_read_bad",
            "call_signal_bad",
            "lone_surrogate",
        ]
    )
    base = {"action": "sendMessage", "conversationId": conversation_id, "clientMessageId": f"f{rng.getrandbits(40)}"}
    base["content"] = _text(rng, rng.randint(0, 50))
    if kind == "not_json":
        return kind, rng.choice(["", "{", "}", "action=ping", "{'action': 'ping'}", _text(rng, rng.randint(1, 500))])
    if kind == "invalid_utf8":
        raw = json.dumps(base).encode()
        cut = rng.randint(0, len(raw))
        return kind, raw[:cut] + rng.choice([b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80"]) + raw[
            cut:
        ]
    if kind == "json_not_object":
        return kind, json.dumps(rng.choice([[], [base], 1, "ping", None, True, 3.5]))
    if kind == "unknown_action":
        action = rng.choice([None, 1, [], {}, "", "PING", "send_message", "$default", "$connect", _text(rng, 20)])
        return kind, json.dumps({**base, "action": action})
    if kind == "send_bad_field":
        field = rng.choice(["conversationId", "clientMessageId", "content", "attachments"])
        value: Any
        if field == "content":
            value = rng.choice([None, 1, [], {}, True])
        elif field == "attachments":
            value = rng.choice(["a", 1, {}, [1], [{"key": 1}], [{}], [None] * 101])
        else:
            value = _bad_id(rng)
        return kind, json.dumps({**base, field: value})
    if kind == "send_missing_field":
        frame = dict(base)
        del frame[rng.choice(["conversationId", "clientMessageId"])]
        return kind, json.dumps(frame)
    if kind == "send_foreign_conversation":
        # well-formed, but a conversation that does not exist (or is not the sender's)
        return kind, json.dumps({**base, "conversationId": f"C{rng.getrandbits(64):X}"})
    if kind == "send_huge":
        # over the 32 KB frame limit, under the gateway's 128 KB message limit
        return kind, json.dumps({**base, "content": "x" * rng.randint(33 * 1024, 120 * 1024)})
    if kind == "nested_junk":
        frame = {**base, rng.choice(["conversationId", "clientMessageId", "content"]): _nested(rng, rng.randint(1, 50))}
        return kind, json.dumps(frame)
    if kind == "deep_nesting":
        # deeper than ~900 levels makes json.loads raise RecursionError, in the twin's route selection
        # (ops/local/websocket.py) before the backend sees it: see docs/reliability.md, limits
        depth = rng.randint(50, 700)
        return kind, "[" * depth + "]" * depth if rng.random() < 0.5 else '{"a":' * depth + "1" + "}" * depth
    if kind == "typing_bad":
        return kind, json.dumps({"action": "typing", "conversationId": rng.choice([_bad_id(rng), "C" + "9" * 20])})
    if kind == "mark_read_bad":
        return kind, json.dumps({"action": "markRead", "conversationId": conversation_id, "messageId": _bad_id(rng)})
    if kind == "call_signal_bad":
        return kind, json.dumps(
            {
                "action": "callSignal",
                "callId": rng.choice([_bad_id(rng), "K" + "1" * 20]),
                "signalType": rng.choice(["offer", "bogus", None, 1]),
                "payload": _nested(rng, 5),
            }
        )
    # lone UTF-16 surrogate in an otherwise valid send to the user's own conversation
    return kind, json.dumps(base)[:-1] + ', "content": "hi \\ud800 there"}'


def _messages(rest: Rest, user: Any, conversation_id: str) -> list[tuple[str, str]]:
    items: list[tuple[str, str]] = []
    cursor = None
    for _ in range(20):
        params = {"limit": 100, **({"before": cursor} if cursor else {})}
        page = rest.get(f"/conversations/{conversation_id}/messages", user, params=params)
        assert page.status_code == 200, page.text
        items += [(m["messageId"], m["clientMessageId"]) for m in page.json()["items"]]
        cursor = page.json().get("nextCursor")
        if not cursor:
            return items
    raise AssertionError("too many pages")


def test_bad_frames_get_error_events_and_store_nothing(twin: Twin, rest: Rest) -> None:
    user, other = rest.sign_up("Frames"), rest.sign_up("Witness")
    created = rest.post("/conversations", {"participantIds": [other.user_id]}, user)
    conversation_id = created.json()["conversationId"]
    sent = rest.post(f"/conversations/{conversation_id}/messages", {"clientMessageId": "seed", "content": "hi"}, user)
    assert sent.status_code == 201, sent.text
    before = _messages(rest, user, conversation_id)
    rng = random.Random(SEED)
    kinds: Counter[str] = Counter()
    answers: Counter[str] = Counter()

    async def run() -> None:
        async with connect(twin.info.websocket_url, user.id_token) as socket:
            for n in range(FRAMES):
                kind, frame = bad_frame(rng, conversation_id)
                kinds[kind] += 1
                await socket.send(frame)
                event = await receive_json(socket, timeout=20)
                assert event.get("type") == "error", (n, kind, str(frame)[:300], event)
                assert isinstance(event.get("code"), str) and event.get("message"), event
                answers[event["code"]] += 1
                if n % 25 == 0:  # still open and served
                    await socket.send(json.dumps({"action": "ping"}))
                    assert (await receive_json(socket, timeout=20)).get("type") == "pong"
            await socket.send(json.dumps({"action": "ping"}))
            assert (await receive_json(socket, timeout=20)).get("type") == "pong"

    asyncio.run(asyncio.wait_for(run(), 240))
    print(f"\n{FRAMES} bad frames: {dict(kinds)}\nanswered: {dict(answers)}")
    assert len(kinds) >= 12, kinds
    assert _messages(rest, user, conversation_id) == before


def test_a_frame_nested_too_deep_for_the_json_parser_is_an_error_event(twin: Twin, rest: Rest) -> None:
    """A 32 KB frame can nest JSON 16,000 levels deep, past what ``json.loads`` can parse
    (RecursionError, not ValueError). API Gateway routes it to ``$default`` by its missing
    action; the backend must answer it with an ``error`` event like any other bad frame. The
    twin's own route selection cannot parse it either, so the frame is handed to the
    websocket function directly, as API Gateway would, for a real open connection."""
    user = rest.sign_up("Deep")

    async def run() -> None:
        gateway = twin.gateway
        assert gateway is not None
        before = set(gateway.connections)
        async with connect(twin.info.websocket_url, user.id_token) as socket:
            ids: set[str] = set()
            for _ in range(100):  # the gateway records the connection just after the handshake
                ids = {c for c, conn in gateway.connections.items() if conn.open} - before
                if ids:
                    break
                await asyncio.sleep(0.05)
            assert len(ids) == 1, f"expected our one new connection, got {ids}"
            body = "[" * 16_000 + "]" * 16_000
            loop = asyncio.get_running_loop()
            for connection_id in ids:
                event = {
                    "requestContext": {
                        "routeKey": "$default",
                        "eventType": "MESSAGE",
                        "connectionId": connection_id,
                        "stage": twin.info.stage,
                        "apiId": twin.info.websocket_api_id,
                    },
                    "body": body,
                    "isBase64Encoded": False,
                }
                invocation = await loop.run_in_executor(None, twin.invoke, "websocket", event)
                assert invocation.error is None, invocation.error
            answer = await receive_json(socket, timeout=20)
            assert answer.get("type") == "error" and answer.get("code") == "malformed_frame", answer
            await socket.send(json.dumps({"action": "ping"}))
            assert (await receive_json(socket, timeout=20)).get("type") == "pong"

    asyncio.run(asyncio.wait_for(run(), 120))
