"""Route WebSocket events: connect (token check), disconnect, and one function per action.

Every bad frame gets an ``error`` event naming the problem and the connection stays open
(the handler always answers 200 to API Gateway for a MESSAGE event)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from botocore.exceptions import ClientError
from pydantic import ValidationError

from backend import clock
from backend.auth.identity import Caller
from backend.auth.tokens import KeysUnavailable, TokenRefused, TokenVerifier
from backend.errors import AppError
from backend.faults import dependency_busy
from backend.observability import logger, metrics, tracer
from backend.realtime import events
from backend.services import calls, messages, realtime
from backend.services.conversations import require_membership
from backend.settings import get_settings
from backend.store import connections, conversations
from backend.store.table import Table, get_table
from backend.ws import owners
from backend.ws.frames import FRAMES, CallSignalFrame, MarkReadFrame, SendMessageFrame, TypingFrame

OK = {"statusCode": 200}
UNAUTHORIZED = {
    "statusCode": 401,
    "body": json.dumps({"error": {"code": "unauthorized", "message": "missing, invalid or expired token"}}),
}


def connect(event: dict[str, Any], verifier: TokenVerifier) -> dict[str, Any]:
    """Check the ``token`` query parameter exactly like the REST authorizer; store the
    connection in both directions with its TTL."""
    query = event.get("queryStringParameters") or {}
    try:
        claims = verifier.verify(query.get("token"))
    except TokenRefused as refused:
        tracer.put_annotation("outcome", "unauthorized")
        if query.get("canary") == "1" and not query.get("token"):
            # The outage canary's tokenless probe: refused as expected, not a failing client.
            logger.info("canary probe refused as expected")
            return UNAUTHORIZED
        logger.info("connection refused", extra={"reason": refused.reason})
        # API Gateway records a refused $connect only as an IntegrationError: count it here so
        # the websocket_connects_refused_rate alarm can watch it.
        metrics.add_metric(name="ConnectsRefused", unit=MetricUnit.Count, value=1)
        return UNAUTHORIZED
    except KeysUnavailable:
        logger.warning("connection refused: signing keys unavailable")
        metrics.add_metric(name="AuthKeysUnavailable", unit=MetricUnit.Count, value=1)
        return {"statusCode": 503, "headers": {"Retry-After": "1"}}
    context = event["requestContext"]
    user_id = str(claims["sub"])
    connections.save(get_table(), context["connectionId"], user_id, clock.now_iso(), get_settings().connection_ttl_s)
    logger.append_keys(user_id=user_id)
    metrics.add_metric(name="ConnectionsOpened", unit=MetricUnit.Count, value=1)
    return OK


def disconnect(event: dict[str, Any]) -> dict[str, Any]:
    """Forget the connection."""
    connection_id = event["requestContext"]["connectionId"]
    table = get_table()
    owners.forget(connection_id)
    record = connections.get(table, connection_id)
    if record is not None:
        connections.delete(table, connection_id, record["userId"])
    metrics.add_metric(name="ConnectionsClosed", unit=MetricUnit.Count, value=1)
    return OK


def _send_message(table: Table, caller: Caller, connection_id: str, frame: SendMessageFrame) -> None:
    attachments = [a.model_dump(exclude_none=True) for a in frame.attachments]
    sent = messages.send(
        table, caller, frame.conversationId, frame.clientMessageId, frame.content, attachments, get_settings()
    )
    metrics.add_metric(name="MessagesSent" if sent.created else "DuplicateSends", unit=MetricUnit.Count, value=1)
    realtime.reply(
        connection_id,
        caller.user_id,
        events.message_ack(frame.clientMessageId, sent.message["messageId"], sent.message),
        table,
    )
    messages.deliver(table, sent, sender_connection=connection_id)


def _typing(table: Table, caller: Caller, connection_id: str, frame: TypingFrame) -> None:
    require_membership(table, frame.conversationId, caller.user_id)
    conversation = conversations.get(table, frame.conversationId)
    others = [p for p in (conversation or {}).get("participants", []) if p != caller.user_id]
    realtime.push(table, others, events.typing(frame.conversationId, caller.user_id), kind="typing")


def _mark_read(table: Table, caller: Caller, connection_id: str, frame: MarkReadFrame) -> None:
    messages.mark_read(table, caller, frame.conversationId, frame.messageId)
    conversation = conversations.get(table, frame.conversationId)
    others = [p for p in (conversation or {}).get("participants", []) if p != caller.user_id]
    realtime.push(
        table, others, events.message_read(frame.conversationId, caller.user_id, frame.messageId), kind="read"
    )


def _call_signal(table: Table, caller: Caller, connection_id: str, frame: CallSignalFrame) -> None:
    call = calls.signal_targets(table, caller, frame.callId)
    others = [p for p in call["participants"] if p != caller.user_id]
    realtime.push(
        table,
        others,
        events.call_signal(frame.callId, caller.user_id, frame.signalType, frame.payload),
        kind="signal",
    )


def _ping(table: Table, caller: Caller, connection_id: str, frame: Any) -> None:
    realtime.reply(connection_id, caller.user_id, events.pong(), table)


ACTIONS: dict[str, Callable[[Table, Caller, str, Any], None]] = {
    "sendMessage": _send_message,
    "typing": _typing,
    "markRead": _mark_read,
    "callSignal": _call_signal,
    "ping": _ping,
}


def _field(error: ValidationError) -> str:
    first = error.errors()[0]
    return ".".join(str(p) for p in first.get("loc", ())) or "body"


def message(event: dict[str, Any]) -> dict[str, Any]:
    """One client frame: validate, act, answer; errors go back as ``error`` events."""
    context = event["requestContext"]
    connection_id = context["connectionId"]
    table = get_table()
    record = owners.owner_record(table, connection_id)
    if record is None:
        # Unknown or expired connection: nobody to act for. API Gateway closes stale ones.
        logger.info("frame from an unknown connection")
        return OK
    caller = Caller(user_id=record["userId"], username=record["userId"])
    logger.append_keys(user_id=caller.user_id)

    def refuse(
        code: str, text: str, field: str | None = None, action: str | None = None, retry_after: int | None = None
    ) -> dict[str, Any]:
        tracer.put_annotation("outcome", code)
        metrics.add_metric(name="FramesRefused", unit=MetricUnit.Count, value=1)
        realtime.reply(connection_id, caller.user_id, events.error(code, text, field, action, retry_after), table)
        return OK

    body = event.get("body") or ""
    limit = get_settings().max_frame_bytes
    if len(body.encode("utf-8", "surrogatepass")) > limit:
        return refuse("frame_too_large", f"frames are at most {limit} bytes")
    try:
        frame = json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than the parser goes
        return refuse("malformed_frame", "the frame is not valid JSON", "body")
    if not isinstance(frame, dict):
        return refuse("malformed_frame", "the frame must be a JSON object", "body")
    action = frame.get("action")
    if not isinstance(action, str) or action not in ACTIONS:
        known = ", ".join(ACTIONS)
        return refuse("unknown_action", f"action must be one of {known}", "action")
    tracer.put_annotation("route", action)
    try:
        parsed = FRAMES[action].model_validate(frame)
    except ValidationError as error:
        field = _field(error)
        return refuse("validation_error", f"{field}: {error.errors()[0].get('msg')}", field, action)
    try:
        ACTIONS[action](table, caller, connection_id, parsed)
    except AppError as error:
        return refuse(error.code, error.message, error.field, action, error.retry_after)
    except ClientError as error:
        busy = dependency_busy(error)
        if busy is None:
            logger.exception("unhandled error")
            return refuse("internal_error", "something went wrong on our side; retry later", None, action)
        return refuse(busy.code, busy.message, None, action, busy.retry_after)
    return OK
