"""Calls: the state machine (every illegal transition refused), who may do what, the pushes
to participants, lazy missed calls, history, signalling and ICE servers."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from unittest.mock import ANY

import pytest
from backend.store import keys
from backend.store.table import get_table

from tests.support.api import Api
from tests.support.realtime import FakeSender, Socket


@pytest.fixture
def room(api: Api, sender: FakeSender):
    ada, bob, eve = api.sign_up("Ada"), api.sign_up("Bob"), api.sign_up("Eve")
    cid = api.post("/conversations", {"participantIds": [bob.user_id]}, token=ada.id_token).json["conversationId"]
    sockets = {name: Socket(sender, user.id_token) for name, user in (("ada", ada), ("bob", bob), ("eve", eve))}
    for socket in sockets.values():
        socket.connect()
    return ada, bob, eve, cid, sockets


def _start(api: Api, user, cid, media="video"):
    return api.post("/calls", {"conversationId": cid, "media": media}, token=user.id_token)


def _act(api: Api, user, call_id, verb):
    return api.post(f"/calls/{call_id}/{verb}", token=user.id_token)


def test_start_rings_the_others(api: Api, room) -> None:
    ada, bob, _eve, cid, s = room
    reply = _start(api, ada, cid)
    assert reply.status == 201
    call = reply.json
    assert (call["status"], call["callerId"], call["media"], call["conversationId"]) == (
        "ringing",
        ada.user_id,
        "video",
        cid,
    )
    assert "ringDeadline" not in call
    incoming = s["bob"].received("call.incoming")
    assert [e["call"]["callId"] for e in incoming] == [call["callId"]]
    assert s["eve"].received() == []


def test_accept_then_end_with_duration(api: Api, room) -> None:
    ada, bob, _eve, cid, s = room
    call_id = _start(api, ada, cid).json["callId"]
    accepted = _act(api, bob, call_id, "accept")
    assert accepted.status == 200
    assert accepted.json["status"] == "active" and accepted.json["startedAt"]
    assert s["ada"].received("call.accepted")
    # pretend the call started 42 seconds ago
    started = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(time.time() - 42))
    get_table().update(keys.call(call_id), "SET startedAt = :s", {":s": started})
    ended = _act(api, ada, call_id, "end")
    assert ended.status == 200
    assert ended.json["status"] == "ended"
    assert 41 <= ended.json["durationSeconds"] <= 44
    assert s["bob"].received("call.ended")


def test_double_accept_is_a_conflict(api: Api, room) -> None:
    ada, bob, _eve, cid, _s = room
    call_id = _start(api, ada, cid).json["callId"]
    assert _act(api, bob, call_id, "accept").status == 200
    again = _act(api, bob, call_id, "accept")
    assert again.status == 409
    assert again.json["error"]["code"] == "call_active"


def test_only_the_callee_accepts_or_declines(api: Api, room) -> None:
    ada, _bob, _eve, cid, _s = room
    call_id = _start(api, ada, cid).json["callId"]
    assert _act(api, ada, call_id, "accept").status == 403
    assert _act(api, ada, call_id, "decline").status == 403


def test_strangers_cannot_touch_a_call(api: Api, room) -> None:
    ada, _bob, eve, cid, s = room
    call_id = _start(api, ada, cid).json["callId"]
    for verb in ("accept", "decline", "end"):
        reply = _act(api, eve, call_id, verb)
        assert reply.status == 404, verb
        assert ada.user_id not in reply.raw
    assert api.get(f"/calls/{call_id}", token=eve.id_token).status == 404
    assert api.get(f"/conversations/{cid}/calls", token=eve.id_token).status == 404
    assert _start(api, eve, cid).status == 404
    assert api.get(f"/calls/{call_id}", token=ada.id_token).json["status"] == "ringing"


def test_decline(api: Api, room) -> None:
    ada, bob, _eve, cid, s = room
    call_id = _start(api, ada, cid).json["callId"]
    declined = _act(api, bob, call_id, "decline")
    assert declined.status == 200 and declined.json["status"] == "declined"
    assert s["ada"].received("call.declined")


def test_caller_ending_a_ringing_call_makes_it_missed(api: Api, room) -> None:
    ada, bob, _eve, cid, s = room
    call_id = _start(api, ada, cid).json["callId"]
    ended = _act(api, ada, call_id, "end")
    assert ended.json["status"] == "missed"
    assert s["bob"].received("call.missed")


def test_unanswered_call_becomes_missed_when_read_after_the_deadline(api: Api, room) -> None:
    ada, bob, _eve, cid, s = room
    call_id = _start(api, ada, cid).json["callId"]
    get_table().update(keys.call(call_id), "SET ringDeadline = :past", {":past": int(time.time()) - 1})
    assert api.get(f"/calls/{call_id}", token=ada.id_token).json["status"] == "missed"
    assert len(s["bob"].received("call.missed")) == 1
    late = _act(api, bob, call_id, "accept")
    assert late.status == 409 and late.json["error"]["code"] == "call_missed"
    # read again: still one call.missed
    api.get(f"/calls/{call_id}", token=bob.id_token)
    assert len(s["bob"].received("call.missed")) == 1


def test_accept_after_the_deadline_is_refused_even_if_nobody_read_it(api: Api, room) -> None:
    ada, bob, _eve, cid, _s = room
    call_id = _start(api, ada, cid).json["callId"]
    get_table().update(keys.call(call_id), "SET ringDeadline = :past", {":past": int(time.time()) - 1})
    assert _act(api, bob, call_id, "accept").status == 409


@pytest.mark.parametrize("final", ["declined", "missed", "ended"])
@pytest.mark.parametrize("verb", ["accept", "decline", "end"])
def test_no_transition_out_of_a_final_state(api: Api, room, final, verb) -> None:
    ada, bob, _eve, cid, _s = room
    call_id = _start(api, ada, cid).json["callId"]
    if final == "declined":
        _act(api, bob, call_id, "decline")
    elif final == "missed":
        _act(api, ada, call_id, "end")
    else:
        _act(api, bob, call_id, "accept")
        _act(api, bob, call_id, "end")
    assert api.get(f"/calls/{call_id}", token=ada.id_token).json["status"] == final
    reply = _act(api, bob, call_id, verb)
    assert reply.status == 409, (final, verb, reply.raw)
    assert api.get(f"/calls/{call_id}", token=ada.id_token).json["status"] == final


def test_active_call_cannot_be_declined(api: Api, room) -> None:
    ada, bob, _eve, cid, _s = room
    call_id = _start(api, ada, cid).json["callId"]
    _act(api, bob, call_id, "accept")
    assert _act(api, bob, call_id, "decline").status == 409


def test_history_newest_first_with_pagination(api: Api, room) -> None:
    ada, bob, _eve, cid, _s = room
    ids = []
    for _ in range(3):
        call_id = _start(api, ada, cid, media="audio").json["callId"]
        _act(api, ada, call_id, "end")
        ids.append(call_id)
    first = api.get(f"/conversations/{cid}/calls?limit=2", token=bob.id_token).json
    assert [c["callId"] for c in first["items"]] == [ids[2], ids[1]]
    rest = api.get(f"/conversations/{cid}/calls?limit=2&cursor={first['nextCursor']}", token=bob.id_token).json
    assert [c["callId"] for c in rest["items"]] == [ids[0]]


def test_signals_reach_only_the_other_participants(api: Api, room) -> None:
    ada, bob, _eve, cid, s = room
    call_id = _start(api, ada, cid).json["callId"]
    s["ada"].send({"action": "callSignal", "callId": call_id, "signalType": "offer", "payload": {"sdp": "v=0"}})
    signal = s["bob"].received("call.signal")
    assert signal == [
        {
            "type": "call.signal",
            "callId": call_id,
            "from": ada.user_id,
            "signalType": "offer",
            "payload": {"sdp": "v=0"},
            "correlationId": ANY,  # the signalling request's (backend.correlation)
        }
    ]
    assert s["eve"].received("call.signal") == []
    assert s["ada"].received("call.signal") == []


def test_strangers_cannot_signal(api: Api, room) -> None:
    ada, _bob, _eve, cid, s = room
    call_id = _start(api, ada, cid).json["callId"]
    s["eve"].send({"action": "callSignal", "callId": call_id, "signalType": "ice", "payload": {"candidate": "x"}})
    assert s["eve"].received("error")[0]["code"] == "call_not_found"
    assert s["ada"].received("call.signal") == [] and s["bob"].received("call.signal") == []


def test_no_signalling_on_a_finished_call(api: Api, room) -> None:
    ada, _bob, _eve, cid, s = room
    call_id = _start(api, ada, cid).json["callId"]
    _act(api, ada, call_id, "end")
    s["ada"].send({"action": "callSignal", "callId": call_id, "signalType": "offer", "payload": {}})
    assert s["ada"].received("error")[0]["code"] == "call_missed"


def test_bad_media_is_named(api: Api, room) -> None:
    ada, _bob, _eve, cid, _s = room
    reply = _start(api, ada, cid, media="hologram")
    assert reply.status == 422 and reply.json["error"]["field"] == "media"


def test_ice_servers_stun_only_without_a_turn_secret(api: Api, room) -> None:
    ada, *_ = room
    reply = api.get("/calls/ice-servers", token=ada.id_token)
    assert reply.status == 200
    assert reply.json == {"iceServers": [{"urls": ["stun:stun.l.google.com:19302"]}]}


def test_ice_servers_with_turn_credentials(api: Api, room, monkeypatch) -> None:
    from backend.settings import get_settings

    monkeypatch.setenv("TURN_URLS", "turn:turn.example.com:3478?transport=udp")
    monkeypatch.setenv("TURN_SECRET", "s3cret")
    get_settings.cache_clear()
    ada, *_ = room
    servers = api.get("/calls/ice-servers", token=ada.id_token).json["iceServers"]
    get_settings.cache_clear()
    turn = servers[1]
    expiry, user = turn["username"].split(":")
    assert user == ada.user_id
    assert 3500 < int(expiry) - time.time() <= 3600
    expected = base64.b64encode(hmac.new(b"s3cret", turn["username"].encode(), hashlib.sha1).digest()).decode()
    assert turn["credential"] == expected
    assert turn["urls"] == ["turn:turn.example.com:3478?transport=udp"]
