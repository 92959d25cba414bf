"""The call-signal relay forwards only JSON a peer can read: NaN, Infinity and numbers that
overflow to it are refused, and so is a payload nested deeper than any SDP or ICE message
needs; each refusal is an ``error`` event to the sender (the function does not fail) and the
peer receives nothing."""

from __future__ import annotations

import json

import pytest

from tests.support.api import Api
from tests.support.realtime import FakeSender, Socket


@pytest.fixture
def call(api: Api, sender: FakeSender):
    ada, bob = api.sign_up("Ada"), api.sign_up("Bob")
    cid = api.post("/conversations", {"participantIds": [bob.user_id]}, token=ada.id_token).json["conversationId"]
    ada_socket, bob_socket = Socket(sender, ada.id_token), Socket(sender, bob.id_token)
    ada_socket.connect()
    bob_socket.connect()
    call_id = api.post("/calls", {"conversationId": cid, "media": "audio"}, token=ada.id_token).json["callId"]
    return call_id, ada_socket, bob_socket


def _frame(call_id: str, payload: str) -> str:
    head = json.dumps({"action": "callSignal", "callId": call_id, "signalType": "offer"})
    return head[:-1] + ', "payload": ' + payload + "}"


@pytest.mark.parametrize(
    "payload",
    [
        '{"sdp": NaN}',
        '{"sdp": Infinity}',
        '{"x": [-Infinity]}',
        '{"x": 1e400}',
        "[" * 990 + "]" * 990,
        "[" * 60 + "]" * 60,
    ],
    ids=["nan", "infinity", "minus-infinity", "overflow", "nested-990", "nested-60"],
)
def test_unsafe_payloads_are_refused_with_an_error_event(call, payload: str) -> None:
    call_id, ada_socket, bob_socket = call
    assert ada_socket.send(_frame(call_id, payload)) == 200
    (error,) = ada_socket.received("error")
    assert error["code"] in ("validation_error", "malformed_frame")
    assert "payload" in (error.get("field") or "") or error["code"] == "malformed_frame"
    assert bob_socket.received("call.signal") == []


def test_an_ordinary_payload_is_relayed_as_valid_json(call, sender: FakeSender) -> None:
    call_id, ada_socket, bob_socket = call
    payload = {"sdp": "v=0\r\no=- 1 2 IN IP4 127.0.0.1", "candidates": [{"sdpMLineIndex": 0, "x": 1.5}]}
    ada_socket.send(_frame(call_id, json.dumps(payload)))
    (signal,) = bob_socket.received("call.signal")
    assert signal["payload"] == payload
