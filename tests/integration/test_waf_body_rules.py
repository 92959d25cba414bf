"""WAF body rules on the twin, as AWS applies them: a 4,000-character CJK message (about
12 KB) and a message mentioning ``<script>`` reach the API; the same body on a route that
carries no such text is refused with the WAF's 403 before any function runs."""

from __future__ import annotations

from tests.support.twin import Rest

CJK_MESSAGE = "漢" * 4000  # 12,000 bytes of UTF-8, under the API's 4,000-character limit


def test_message_and_profile_routes_accept_what_the_api_accepts(rest: Rest) -> None:
    ada, bob = rest.sign_up("Ada"), rest.sign_up("Bob")
    cid = rest.post("/conversations", {"participantIds": [bob.user_id]}, ada).json()["conversationId"]
    long_text = rest.post(f"/conversations/{cid}/messages", {"clientMessageId": "cjk", "content": CJK_MESSAGE}, ada)
    assert long_text.status_code == 201, long_text.text
    scripty = rest.post(
        f"/conversations/{cid}/messages",
        {"clientMessageId": "x", "content": "try <script>alert(1)</script> in your console"},
        ada,
    )
    assert scripty.status_code == 201, scripty.text
    named = rest.request("PATCH", "/me", ada, json={"name": "<script> kiddie"})
    assert named.status_code == 200, named.text


def test_other_routes_keep_the_managed_body_rules(rest: Rest) -> None:
    ada, bob = rest.sign_up("Ada"), rest.sign_up("Bob")
    big = rest.post("/conversations", {"participantIds": [bob.user_id], "isGroup": True, "name": "G" * 9000}, ada)
    assert big.status_code == 403
    assert big.json()["error"]["code"] == "forbidden"
    xss = rest.post(
        "/conversations", {"participantIds": [bob.user_id], "isGroup": True, "name": "<script>x</script>"}, ada
    )
    assert xss.status_code == 403
