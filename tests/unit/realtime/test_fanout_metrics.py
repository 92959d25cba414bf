"""Fan-out metrics: every push, whatever the kind of event, records its posts, failures and
latency, so a failure rate divides like by like and every fanning-out function has a latency."""

from __future__ import annotations

from collections import defaultdict

from ops.local import emf
from tests.support.api import Api
from tests.support.realtime import FakeSender, Socket


def emitted(out: str) -> dict[str, float]:
    """Sum of each metric in the EMF lines printed (the test app runs every route in one
    process, so the service dimension does not tell the functions apart here)."""
    totals: dict[str, float] = defaultdict(float)
    for line in out.splitlines():
        for datum in emf.parse(line):
            totals[datum.name] += datum.value
    return dict(totals)


def _room(api: Api, sender: FakeSender):
    ada, bob = api.sign_up("Ada"), api.sign_up("Bob")
    cid = api.post("/conversations", {"participantIds": [bob.user_id]}, token=ada.id_token).json["conversationId"]
    sockets = {"ada": Socket(sender, ada.id_token), "bob": Socket(sender, bob.id_token)}
    for socket in sockets.values():
        assert socket.connect() == 200
    return ada, bob, cid, sockets


def test_call_events_record_deliveries_and_latency(api: Api, sender: FakeSender, capsys) -> None:
    # Given two connected participants
    ada, _bob, cid, s = _room(api, sender)
    capsys.readouterr()
    # When a call starts (the call function pushes call.incoming, a kind other than "message")
    assert api.post("/calls", {"conversationId": cid, "media": "audio"}, token=ada.id_token).status == 201
    assert s["bob"].received("call.incoming")
    # Then the call function records the push: its latency alarm has data, its rate a denominator
    totals = emitted(capsys.readouterr().out)
    assert totals.get("FanoutDeliveries", 0) >= 1
    assert "FanoutLatency" in totals
    assert totals.get("FanoutFailures") == 0
    assert "MessagesDelivered" not in totals


def test_failures_of_any_kind_are_divided_by_posts_of_the_same_kinds(api: Api, sender: FakeSender, capsys) -> None:
    # Given Bob's connection is broken (a non-410 failure)
    _ada, _bob, cid, s = _room(api, sender)
    sender.broken.add(s["bob"].id)
    capsys.readouterr()
    # When Ada types (an event that is not a message)
    s["ada"].send({"action": "typing", "conversationId": cid})
    totals = emitted(capsys.readouterr().out)
    # Then the failure is counted with the post it was part of, not against message deliveries
    assert totals["FanoutFailures"] == 1
    assert "FanoutDeliveries" in totals
    assert "MessagesDelivered" not in totals


def test_a_refused_token_is_counted_and_the_canarys_probe_is_not(sender: FakeSender, capsys) -> None:
    from backend.handlers import websocket

    from tests.support.lambda_context import FakeLambdaContext
    from tests.support.realtime import ws_event

    capsys.readouterr()
    # Given a client with an expired or missing token, when it connects: refused and counted
    assert Socket(sender, "garbage").connect() == 401
    assert emitted(capsys.readouterr().out).get("ConnectsRefused") == 1
    # Given the canary's tokenless probe, when it connects: refused as expected, not counted
    probe = ws_event("$connect", "canary-probe=")
    probe["queryStringParameters"] = {"canary": "1"}
    assert websocket.handler(probe, FakeLambdaContext("websocket"))["statusCode"] == 401
    assert "ConnectsRefused" not in emitted(capsys.readouterr().out)
