"""Call states on the services directly: ring, accept once, end with a duration, missed, and
no way in for someone outside the conversation or removed from it."""

from __future__ import annotations

import pytest
from backend.errors import Conflict, Forbidden, NotFound
from backend.services import calls, conversations


@pytest.fixture
def trio(table, user, settings):
    ada, bob, cy = user("ada"), user("bob"), user("cy")
    conversation, _ = conversations.create(table, ada, [bob.user_id, cy.user_id], "team", True, settings)
    return ada, bob, cy, conversation["conversationId"]


def test_a_call_rings_is_accepted_once_and_ends_with_a_duration(table, trio, settings, sender) -> None:
    ada, bob, cy, cid = trio
    call = calls.start(table, ada, cid, "video", settings)
    assert call["status"] == "ringing"
    with pytest.raises(Forbidden):
        calls.accept(table, ada, call["callId"])
    accepted = calls.accept(table, bob, call["callId"])
    assert accepted["status"] == "active"
    with pytest.raises(Conflict):
        calls.accept(table, cy, call["callId"])
    ended = calls.end(table, cy, call["callId"])
    assert ended["status"] == "ended" and ended["durationSeconds"] >= 0
    history = calls.history(table, bob, cid, 10, None)
    assert [c["callId"] for c in history["items"]] == [call["callId"]]


def test_hanging_up_a_ringing_call_makes_it_missed(table, trio, settings) -> None:
    ada, bob, _, cid = trio
    call = calls.start(table, ada, cid, "audio", settings)
    assert calls.end(table, ada, call["callId"])["status"] == "missed"
    with pytest.raises(Conflict):
        calls.accept(table, bob, call["callId"])


def test_outsiders_and_removed_members_cannot_reach_the_call(table, trio, user, settings) -> None:
    ada, _, cy, cid = trio
    eve = user("eve")
    call = calls.start(table, ada, cid, "video", settings)
    conversations.remove_participant(table, ada, cid, cy.user_id)
    for outsider in (eve, cy):
        for attempt in (
            lambda who=outsider: calls.get(table, who, call["callId"]),
            lambda who=outsider: calls.accept(table, who, call["callId"]),
            lambda who=outsider: calls.signal_targets(table, who, call["callId"]),
        ):
            with pytest.raises(NotFound):
                attempt()
    # Signals go to those still in the conversation only.
    targets = calls.signal_targets(table, ada, call["callId"])["participants"]
    assert cy.user_id not in targets
