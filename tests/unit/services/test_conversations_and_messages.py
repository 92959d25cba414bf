"""Conversation and message rules, tested on the services directly over an in-memory table:
who may read and write, idempotent sends, pagination both ways, read markers, group limits."""

from __future__ import annotations

import pytest
from backend.errors import InvalidInput, NotFound, PayloadTooLarge
from backend.services import conversations, messages


def test_a_direct_conversation_is_created_once_per_pair(table, user, settings) -> None:
    ada, bob = user("ada"), user("bob")
    first, created = conversations.create(table, ada, [bob.user_id], None, None, settings)
    again, created_again = conversations.create(table, bob, [ada.user_id], None, None, settings)
    assert created and not created_again
    assert again["conversationId"] == first["conversationId"]
    assert first["isGroup"] is False


def test_unknown_participants_are_named(table, user, settings) -> None:
    ada = user("ada")
    with pytest.raises(InvalidInput, match="unknown user ids: user-ghost"):
        conversations.create(table, ada, ["user-ghost"], None, None, settings)


def test_a_group_holds_at_most_the_configured_size(table, user, settings) -> None:
    ada = user("ada")
    others = [user(name).user_id for name in ("b", "c", "d", "e")]
    with pytest.raises(InvalidInput, match="at most 4 participants"):
        conversations.create(table, ada, others, "five", True, settings)


def test_only_participants_read_or_write(table, user, settings) -> None:
    ada, bob, eve = user("ada"), user("bob"), user("eve")
    conversation, _ = conversations.create(table, ada, [bob.user_id], None, None, settings)
    cid = conversation["conversationId"]
    messages.send(table, ada, cid, "c-1", "hello", [], settings)
    for attempt in (
        lambda: conversations.get(table, eve, cid),
        lambda: messages.list_page(table, eve, cid, 10, None, None),
        lambda: messages.send(table, eve, cid, "c-2", "let me in", [], settings),
    ):
        with pytest.raises(NotFound):
            attempt()
    # Nothing eve tried was stored.
    page = messages.list_page(table, bob, cid, 10, None, None)
    assert [m["content"] for m in page["items"]] == ["hello"]


def test_a_send_is_stored_once_per_client_message_id(table, user, settings) -> None:
    ada, bob = user("ada"), user("bob")
    conversation, _ = conversations.create(table, ada, [bob.user_id], None, None, settings)
    cid = conversation["conversationId"]
    first = messages.send(table, ada, cid, "same", "hi", [], settings)
    retry = messages.send(table, ada, cid, "same", "hi", [], settings)
    assert first.created and not retry.created
    assert retry.message["messageId"] == first.message["messageId"]
    assert sorted(first.participants) == sorted([ada.user_id, bob.user_id])
    assert len(messages.list_page(table, bob, cid, 10, None, None)["items"]) == 1


def test_pages_continue_in_both_directions(table, user, settings) -> None:
    ada, bob = user("ada"), user("bob")
    conversation, _ = conversations.create(table, ada, [bob.user_id], None, None, settings)
    cid = conversation["conversationId"]
    sent = [messages.send(table, ada, cid, f"c-{i}", f"m{i}", [], settings).message for i in range(7)]
    newest = messages.list_page(table, bob, cid, 3, None, None)
    assert [m["content"] for m in newest["items"]] == ["m6", "m5", "m4"]
    older = messages.list_page(table, bob, cid, 3, newest["nextCursor"], None)
    assert [m["content"] for m in older["items"]] == ["m3", "m2", "m1"]
    newer = messages.list_page(table, bob, cid, 10, None, sent[1]["messageId"])
    assert [m["content"] for m in newer["items"]] == ["m2", "m3", "m4", "m5", "m6"]
    with pytest.raises(InvalidInput, match="either before or after"):
        messages.list_page(table, bob, cid, 3, sent[0]["messageId"], sent[1]["messageId"])


def test_the_read_marker_never_moves_backwards(table, user, settings) -> None:
    ada, bob = user("ada"), user("bob")
    conversation, _ = conversations.create(table, ada, [bob.user_id], None, None, settings)
    cid = conversation["conversationId"]
    one, two, _ = (messages.send(table, ada, cid, f"c-{i}", f"m{i}", [], settings).message for i in range(3))
    assert conversations.get(table, bob, cid)["unreadCount"] == 3
    assert messages.mark_read(table, bob, cid, two["messageId"])
    assert not messages.mark_read(table, bob, cid, one["messageId"])
    assert conversations.get(table, bob, cid)["unreadCount"] == 1


def test_a_removed_member_reads_and_sends_nothing(table, user, settings) -> None:
    ada, bob, cy = user("ada"), user("bob"), user("cy")
    conversation, _ = conversations.create(table, ada, [bob.user_id, cy.user_id], "team", True, settings)
    cid = conversation["conversationId"]
    messages.send(table, cy, cid, "c-1", "before", [], settings)
    conversations.remove_participant(table, ada, cid, cy.user_id)
    with pytest.raises(NotFound):
        messages.list_page(table, cy, cid, 10, None, None)
    with pytest.raises(NotFound):
        # A retry of a send made before the removal reads nothing back either.
        messages.send(table, cy, cid, "c-1", "before", [], settings)
    remaining = conversations.get(table, ada, cid)["participants"]
    assert cy.user_id not in remaining


def test_content_limits_are_named(table, user, settings) -> None:
    ada, bob = user("ada"), user("bob")
    conversation, _ = conversations.create(table, ada, [bob.user_id], None, None, settings)
    cid = conversation["conversationId"]
    with pytest.raises(PayloadTooLarge, match="the limit is 4000"):
        messages.send(table, ada, cid, "c-1", "x" * 4001, [], settings)
    with pytest.raises(InvalidInput, match="needs content or an attachment"):
        messages.send(table, ada, cid, "c-2", "   ", [], settings)
    with pytest.raises(InvalidInput, match="upload made for this conversation"):
        messages.send(table, ada, cid, "c-3", "see", [{"key": "attachment/other/x.png"}], settings)
    assert messages.list_page(table, ada, cid, 10, None, None)["items"] == []
