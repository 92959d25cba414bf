"""Routes of the call function: start, accept, decline, end, read, history, ICE servers."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query

from backend.api.models.calls import CallOut, CallPage, IceServersOut, StartCallIn
from backend.api.resolver import current_caller, json_response
from backend.api.responses import ok
from backend.services import calls
from backend.settings import get_settings
from backend.store.table import get_table

router = Router()

IdPath = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$")]


@router.post("/calls", responses=ok(201, "the call, ringing", CallOut, 400, 401, 404, 429), tags=["calls"])
def start_call(body: Annotated[StartCallIn, Body()]):
    call = calls.start(get_table(), current_caller(router), body.conversationId, body.media, get_settings())
    return json_response(201, call)


@router.get(
    "/calls/ice-servers",
    responses=ok(200, "STUN/TURN servers for WebRTC", IceServersOut, 401),
    tags=["calls"],
)
def ice_servers():
    return json_response(200, calls.ice_servers(current_caller(router), get_settings()))


@router.get("/calls/<callId>", responses=ok(200, "the call", CallOut, 401, 404), tags=["calls"])
def get_call(callId: IdPath):
    return json_response(200, calls.get(get_table(), current_caller(router), callId))


@router.post(
    "/calls/<callId>/accept",
    responses=ok(200, "the call, active", CallOut, 401, 403, 404, 409),
    tags=["calls"],
)
def accept_call(callId: IdPath):
    return json_response(200, calls.accept(get_table(), current_caller(router), callId))


@router.post(
    "/calls/<callId>/decline",
    responses=ok(200, "the call, declined", CallOut, 401, 403, 404, 409),
    tags=["calls"],
)
def decline_call(callId: IdPath):
    return json_response(200, calls.decline(get_table(), current_caller(router), callId))


@router.post(
    "/calls/<callId>/end",
    responses=ok(200, "the call, ended or missed", CallOut, 401, 404, 409),
    tags=["calls"],
)
def end_call(callId: IdPath):
    return json_response(200, calls.end(get_table(), current_caller(router), callId))


@router.get(
    "/conversations/<conversationId>/calls",
    responses=ok(200, "the conversation's calls, newest first", CallPage, 400, 401, 404),
    tags=["calls"],
)
def call_history(
    conversationId: IdPath,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
):
    return json_response(200, calls.history(get_table(), current_caller(router), conversationId, limit, cursor))
