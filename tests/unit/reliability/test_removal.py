"""Removal removes: a member removed from a group loses the group's calls at once, whatever
the call's own list of participants says (membership is checked at each call action).

Given a group call that rang for Ada, Bob and Cy, when Ada removes Cy, then Cy can neither
read, accept, decline nor end it, cannot signal on it nor receive its signals or events,
cannot download its recording and cannot request a recording upload for it."""

from __future__ import annotations

from tests.support.api import Api
from tests.support.realtime import FakeSender, Socket

RECORDING = {"fileName": "call.webm", "contentType": "video/webm", "size": 1000, "purpose": "recording"}


def test_a_removed_member_loses_the_groups_call(api: Api, sender: FakeSender) -> None:
    ada, bob, cy = api.sign_up("Ada"), api.sign_up("Bob"), api.sign_up("Cy")
    cid = api.post(
        "/conversations",
        {"participantIds": [bob.user_id, cy.user_id], "isGroup": True, "name": "G"},
        token=ada.id_token,
    ).json["conversationId"]
    sockets = {name: Socket(sender, user.id_token) for name, user in (("ada", ada), ("bob", bob), ("cy", cy))}
    for socket in sockets.values():
        assert socket.connect() == 200
    call_id = api.post("/calls", {"conversationId": cid, "media": "video"}, token=ada.id_token).json["callId"]
    recording = api.post("/uploads", {**RECORDING, "callId": call_id}, token=ada.id_token).json["uploadId"]
    assert len(sockets["cy"].received("call.incoming")) == 1

    assert api.call("DELETE", f"/conversations/{cid}/participants/{cy.user_id}", token=ada.id_token).status == 204
    sender.clear()

    assert api.get(f"/calls/{call_id}", token=cy.id_token).status == 404
    for verb in ("accept", "decline", "end"):
        assert api.post(f"/calls/{call_id}/{verb}", token=cy.id_token).status == 404, verb
    assert api.get(f"/uploads/{recording}", token=cy.id_token).status == 404
    assert api.post("/uploads", {**RECORDING, "callId": call_id}, token=cy.id_token).status == 404
    sockets["cy"].send({"action": "callSignal", "callId": call_id, "signalType": "offer", "payload": {"sdp": "v=0"}})
    assert [e["code"] for e in sockets["cy"].received("error")] == ["call_not_found"]
    assert sockets["ada"].received("call.signal") == []

    # the members that remain go on as before, and Cy hears nothing of it
    assert api.post(f"/calls/{call_id}/accept", token=bob.id_token).status == 200
    sockets["bob"].send({"action": "callSignal", "callId": call_id, "signalType": "answer", "payload": {"sdp": "v=0"}})
    assert len(sockets["ada"].received("call.signal")) == 1
    assert api.get(f"/uploads/{recording}", token=bob.id_token).status == 200
    assert sockets["cy"].received("call.signal") == []
    assert sockets["cy"].received("call.accepted") == []
