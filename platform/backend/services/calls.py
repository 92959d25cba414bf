"""Calls: ringing -> active | declined | missed, active -> ended, enforced by conditional
writes; every transition pushed to the participants.

A call nobody answers within the ring timeout becomes ``missed`` lazily: whenever it is read
or acted on after its deadline (GET, history, accept, decline, end), one conditional write
moves it to ``missed`` and pushes ``call.missed``. No sweeper is needed for correctness; the
only cost is that ``call.missed`` reaches clients when someone next touches the call (the
caller's app ends a ringing call itself after the same timeout and reads it back).
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit

from backend import clock, ids
from backend.auth.identity import Caller
from backend.errors import Conflict, Forbidden, InvalidInput, NotFound
from backend.observability import metrics
from backend.realtime import events
from backend.services import rate_limits, realtime
from backend.services.conversations import decode_cursor, encode_cursor, require_membership
from backend.settings import Settings
from backend.store import calls, conversations
from backend.store.table import ConditionFailed, Item, Table

RINGING, ACTIVE, DECLINED, MISSED, ENDED = "ringing", "active", "declined", "missed", "ended"


def _view(call: Item) -> Item:
    out = {k: v for k, v in call.items() if k != "ringDeadline"}
    out.setdefault("recordings", [])
    return out


def _participant_call(table: Table, caller: Caller, call_id: str) -> Item:
    call = calls.get(table, call_id)
    if call is None or caller.user_id not in call.get("participants", []):
        raise NotFound("no such call", code="call_not_found")
    return call


def _notify(table: Table, call: Item, status_event: str, exclude_connection: str | None = None) -> None:
    realtime.push(
        table,
        call["participants"],
        events.call_event(status_event, _view(call)),
        exclude_connection=exclude_connection,
        kind="call",
    )


def _expire_if_due(table: Table, call: Item) -> Item:
    """Move a ringing call past its deadline to missed (once, whoever gets there first)."""
    if call["status"] != RINGING or call["ringDeadline"] > int(time.time()):
        return call
    now = clock.now_iso()
    try:
        missed = calls.transition(
            table,
            call["callId"],
            {"status": MISSED, "endedAt": now, "durationSeconds": 0},
            "#status = :ringing AND ringDeadline <= :now",
            {":ringing": RINGING, ":now": int(time.time())},
        )
    except ConditionFailed:
        return calls.get(table, call["callId"]) or call
    metrics.add_metric(name="CallsMissed", unit=MetricUnit.Count, value=1)
    _notify(table, missed, "missed")
    return missed


def start(table: Table, caller: Caller, conversation_id: str, media: str, settings: Settings) -> Item:
    """Ring every other participant of a conversation the caller is in."""
    require_membership(table, conversation_id, caller.user_id)
    rate_limits.check(table, caller.user_id, "call_start", settings.call_start_rate_per_minute)
    conversation = conversations.get(table, conversation_id)
    if conversation is None:
        raise NotFound("no such conversation", code="conversation_not_found")
    call = {
        "callId": ids.new_id(),
        "conversationId": conversation_id,
        "callerId": caller.user_id,
        "media": media,
        "status": RINGING,
        "participants": list(conversation["participants"]),
        "createdAt": clock.now_iso(),
        "ringDeadline": int(time.time()) + settings.ring_timeout_s,
        "recordings": [],
    }
    calls.create(table, call)
    metrics.add_metric(name="CallsStarted", unit=MetricUnit.Count, value=1)
    _notify(table, call, "incoming")
    return _view(call)


def get(table: Table, caller: Caller, call_id: str) -> Item:
    """A call the caller takes part in (missed if it rang out)."""
    return _view(_expire_if_due(table, _participant_call(table, caller, call_id)))


def _refuse(call: Item, wanted: str) -> Conflict:
    return Conflict(f"the call is {call['status']}, it cannot be {wanted}", code=f"call_{call['status']}")


def accept(table: Table, caller: Caller, call_id: str) -> Item:
    """The callee picks up a ringing call (once: a second accept is a conflict)."""
    call = _expire_if_due(table, _participant_call(table, caller, call_id))
    if caller.user_id == call["callerId"]:
        raise Forbidden("only the people called can accept", code="not_callee")
    if call["status"] != RINGING:
        raise _refuse(call, "accepted")
    now = clock.now_iso()
    try:
        accepted = calls.transition(
            table,
            call_id,
            {"status": ACTIVE, "startedAt": now, "answeredBy": caller.user_id},
            "#status = :ringing AND ringDeadline > :now",
            {":ringing": RINGING, ":now": int(time.time())},
        )
    except ConditionFailed as error:
        raise _refuse(_expire_if_due(table, calls.get(table, call_id) or call), "accepted") from error
    metrics.add_metric(name="CallsAnswered", unit=MetricUnit.Count, value=1)
    _notify(table, accepted, "accepted")
    return _view(accepted)


def decline(table: Table, caller: Caller, call_id: str) -> Item:
    """The callee turns a ringing call down."""
    call = _expire_if_due(table, _participant_call(table, caller, call_id))
    if caller.user_id == call["callerId"]:
        raise Forbidden("only the people called can decline; the caller ends the call", code="not_callee")
    if call["status"] != RINGING:
        raise _refuse(call, "declined")
    try:
        declined = calls.transition(
            table,
            call_id,
            {"status": DECLINED, "endedAt": clock.now_iso(), "durationSeconds": 0, "endedBy": caller.user_id},
            "#status = :ringing",
            {":ringing": RINGING},
        )
    except ConditionFailed as error:
        raise _refuse(calls.get(table, call_id) or call, "declined") from error
    metrics.add_metric(name="CallsDeclined", unit=MetricUnit.Count, value=1)
    _notify(table, declined, "declined")
    return _view(declined)


def _seconds_between(start_iso: str, end_iso: str) -> int:
    parse = lambda value: datetime.fromisoformat(value.replace("Z", "+00:00"))  # noqa: E731
    return max(0, round((parse(end_iso) - parse(start_iso)).total_seconds()))


def end(table: Table, caller: Caller, call_id: str) -> Item:
    """Any participant hangs up: an active call ends with its duration; a ringing one that
    nobody answered is missed."""
    call = _expire_if_due(table, _participant_call(table, caller, call_id))
    now = clock.now_iso()
    if call["status"] == ACTIVE:
        try:
            ended = calls.transition(
                table,
                call_id,
                {
                    "status": ENDED,
                    "endedAt": now,
                    "durationSeconds": _seconds_between(call["startedAt"], now),
                    "endedBy": caller.user_id,
                },
                "#status = :active",
                {":active": ACTIVE},
            )
        except ConditionFailed as error:
            raise _refuse(calls.get(table, call_id) or call, "ended") from error
        metrics.add_metric(name="CallDuration", unit=MetricUnit.Seconds, value=ended["durationSeconds"])
        _notify(table, ended, "ended")
        return _view(ended)
    if call["status"] == RINGING:
        try:
            missed = calls.transition(
                table,
                call_id,
                {"status": MISSED, "endedAt": now, "durationSeconds": 0, "endedBy": caller.user_id},
                "#status = :ringing",
                {":ringing": RINGING},
            )
        except ConditionFailed as error:
            raise _refuse(calls.get(table, call_id) or call, "ended") from error
        metrics.add_metric(name="CallsMissed", unit=MetricUnit.Count, value=1)
        _notify(table, missed, "missed")
        return _view(missed)
    raise _refuse(call, "ended")


def history(table: Table, caller: Caller, conversation_id: str, limit: int, cursor: str | None) -> Item:
    """A conversation's calls, newest first."""
    require_membership(table, conversation_id, caller.user_id)
    start_key = decode_cursor(cursor, {"PK", "SK", "GSI1PK", "GSI1SK"})
    if start_key is not None and start_key["GSI1PK"] != f"CONV#{conversation_id}#CALLS":
        raise InvalidInput("the cursor is not one this API returned", field="cursor")
    page = calls.history(table, conversation_id, limit, start_key)
    items = [_view(_expire_if_due(table, calls.public(i))) for i in page.items]
    return {"items": items, "nextCursor": encode_cursor(page.last_key)}


def signal_targets(table: Table, caller: Caller, call_id: str) -> Item:
    """The call a signal is for, when the caller may signal on it (ringing or active)."""
    call = _expire_if_due(table, _participant_call(table, caller, call_id))
    if call["status"] not in (RINGING, ACTIVE):
        raise Conflict(f"the call is {call['status']}: no more signalling", code=f"call_{call['status']}")
    return call


def ice_servers(caller: Caller, settings: Settings) -> dict[str, Any]:
    """STUN from configuration, plus time-limited TURN credentials when a secret is set
    (the TURN REST API scheme: username ``<expiry>:<user>``, password
    base64(HMAC-SHA1(secret, username)))."""
    import base64
    import hashlib
    import hmac

    servers: list[dict[str, Any]] = []
    if settings.stun:
        servers.append({"urls": settings.stun})
    if settings.turn and settings.turn_secret:
        expiry = int(time.time()) + settings.turn_ttl_s
        username = f"{expiry}:{caller.user_id}"
        digest = hmac.new(settings.turn_secret.encode(), username.encode(), hashlib.sha1).digest()
        servers.append(
            {
                "urls": settings.turn,
                "username": username,
                "credential": base64.b64encode(digest).decode(),
                "ttl": settings.turn_ttl_s,
            }
        )
    return {"iceServers": servers}
