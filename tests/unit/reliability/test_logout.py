"""Logout revokes: the ID token of a session that logged out is refused on every REST route
and at ``$connect``, and the sockets it had open are closed through the management API.

Given a signed-in user with an open socket, when they log out, then the same token answers
401 everywhere, cannot open a new socket, the old socket is closed and its frames do nothing;
a fresh login (a later ``auth_time``) works again."""

from __future__ import annotations

import time

from backend.auth import revocation

from tests.support.api import Api
from tests.support.realtime import FakeSender, Socket


def test_logout_voids_the_token_and_closes_the_sockets(api: Api, sender: FakeSender) -> None:
    ada, bob = api.sign_up("Ada"), api.sign_up("Bob")
    cid = api.post("/conversations", {"participantIds": [bob.user_id]}, token=ada.id_token).json["conversationId"]
    socket = Socket(sender, ada.id_token)
    assert socket.connect() == 200
    assert api.get("/me", token=ada.id_token).status == 200

    assert api.post("/auth/logout", token=ada.id_token).status == 204

    me = api.get("/me", token=ada.id_token)
    assert me.status == 401
    assert me.json["error"]["code"] == "token_revoked"
    sent = api.post(f"/conversations/{cid}/messages", {"clientMessageId": "x", "content": "hi"}, token=ada.id_token)
    assert sent.status == 401
    assert Socket(sender, ada.id_token).connect() == 401
    # the socket opened before the logout was closed by the server
    assert socket.id in sender.closed
    socket.send({"action": "sendMessage", "conversationId": cid, "clientMessageId": "y", "content": "still here?"})
    assert api.get(f"/conversations/{cid}/messages", token=bob.id_token).json["items"] == []
    # someone else's session is untouched
    assert api.get("/me", token=bob.id_token).status == 200


def test_a_new_login_after_logout_works(api: Api) -> None:
    ada = api.sign_up("Ada")
    assert api.post("/auth/logout", token=ada.id_token).status == 204
    time.sleep(1.05)  # auth_time has a resolution of one second
    again = api.post("/auth/login", {"email": ada.email, "password": ada.password}).json["idToken"]
    assert api.get("/me", token=again).status == 200


def test_issue_times_as_api_gateway_renders_them() -> None:
    # the REST Cognito authorizer hands auth_time as a number string and iat as a date
    assert revocation.issued_at({"auth_time": "1764700000", "iat": "Tue Dec 02 18:26:40 UTC 2025"}) == 1764700000
    assert revocation.issued_at({"iat": "Tue Dec 02 18:26:40 UTC 2025"}) == 1764699999 + 1
    assert revocation.issued_at({"iat": 1764700000}) == 1764700000
    assert revocation.issued_at({}) is None


def test_token_lifetimes_are_short_in_the_template() -> None:
    from infra import STACK
    from infra.template import synthesize

    template = synthesize(STACK, "prod")
    (client,) = [r for r in template["Resources"].values() if r["Type"] == "AWS::Cognito::UserPoolClient"]
    properties = client["Properties"]
    assert properties["TokenValidityUnits"]["IdToken"] == "minutes"
    assert properties["IdTokenValidity"] <= 15
    assert properties["AccessTokenValidity"] <= 15
