"""Routes of the chat function: profiles, conversations, participants, messages, read markers."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from aws_lambda_powertools.metrics import MetricUnit

from backend.api.models.chat import (
    AddParticipantsIn,
    ConversationOut,
    ConversationPage,
    CreateConversationIn,
    MarkReadIn,
    MessageOut,
    MessagePage,
    ProfileOut,
    ProfilePatch,
    PublicProfileOut,
    SendMessageIn,
)
from backend.api.resolver import current_caller, json_response
from backend.api.responses import ok
from backend.observability import metrics
from backend.services import conversations, messages, profiles
from backend.settings import get_settings
from backend.store.table import get_table

router = Router()

Limit = Annotated[int, Query(ge=1, le=100, description="page size")]
IdPath = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$")]
Cursor = Annotated[str | None, Query(max_length=2048)]
MessageCursor = Annotated[str | None, Query(max_length=64)]


@router.get("/me", responses=ok(200, "your profile", ProfileOut, 401), tags=["profile"])
def get_me():
    return json_response(200, profiles.get_own(get_table(), current_caller(router)))


@router.patch("/me", responses=ok(200, "updated profile", ProfileOut, 400, 401), tags=["profile"])
def patch_me(body: Annotated[ProfilePatch, Body()]):
    changes = body.model_dump(exclude_unset=True, exclude_none=True)
    return json_response(200, profiles.update_own(get_table(), current_caller(router), changes))


@router.get("/users/<userId>", responses=ok(200, "a public profile", PublicProfileOut, 401, 404), tags=["profile"])
def get_user(userId: IdPath):
    current_caller(router)
    return json_response(200, profiles.get_public(get_table(), userId))


@router.post(
    "/conversations",
    responses={
        **ok(201, "conversation created", ConversationOut, 400, 401),
        200: {
            "description": "the direct conversation with this user exists already",
            "content": {"application/json": {"model": ConversationOut}},
        },
    },
    tags=["conversations"],
)
def create_conversation(body: Annotated[CreateConversationIn, Body()]):
    conversation, created = conversations.create(
        get_table(), current_caller(router), body.participantIds, body.name, body.isGroup, get_settings()
    )
    if created:
        metrics.add_metric(name="ConversationsCreated", unit=MetricUnit.Count, value=1)
    return json_response(201 if created else 200, conversation)


@router.get(
    "/conversations",
    responses=ok(200, "your conversations, newest activity first", ConversationPage, 400, 401),
    tags=["conversations"],
)
def list_conversations(limit: Limit = 20, cursor: Cursor = None):
    return json_response(200, conversations.list_for(get_table(), current_caller(router), limit, cursor))


@router.get(
    "/conversations/<conversationId>",
    responses=ok(200, "a conversation", ConversationOut, 401, 404),
    tags=["conversations"],
)
def get_conversation(conversationId: IdPath):
    return json_response(200, conversations.get(get_table(), current_caller(router), conversationId))


@router.post(
    "/conversations/<conversationId>/participants",
    responses=ok(200, "the group with its new participants", ConversationOut, 400, 401, 404, 409),
    tags=["conversations"],
)
def add_participants(conversationId: IdPath, body: Annotated[AddParticipantsIn, Body()]):
    conversation = conversations.add_participants(
        get_table(), current_caller(router), conversationId, body.userIds, get_settings()
    )
    return json_response(200, conversation)


@router.delete(
    "/conversations/<conversationId>/participants/<userId>",
    responses=ok(204, "removed", None, 400, 401, 404, 409),
    tags=["conversations"],
)
def remove_participant(conversationId: IdPath, userId: IdPath):
    conversations.remove_participant(get_table(), current_caller(router), conversationId, userId)
    return json_response(204)


@router.get(
    "/conversations/<conversationId>/messages",
    responses=ok(200, "a page of messages", MessagePage, 400, 401, 404),
    tags=["messages"],
)
def list_messages(conversationId: IdPath, limit: Limit = 50, before: MessageCursor = None, after: MessageCursor = None):
    page = messages.list_page(get_table(), current_caller(router), conversationId, limit, before, after)
    return json_response(200, page)


@router.post(
    "/conversations/<conversationId>/messages",
    responses={
        **ok(201, "message stored", MessageOut, 400, 401, 404, 413, 429),
        200: {
            "description": "this clientMessageId was sent before: the stored message",
            "content": {"application/json": {"model": MessageOut}},
        },
    },
    tags=["messages"],
)
def send_message(conversationId: IdPath, body: Annotated[SendMessageIn, Body()]):
    attachments = [a.model_dump(exclude_none=True) for a in body.attachments]
    table = get_table()
    sent = messages.send(
        table,
        current_caller(router),
        conversationId,
        body.clientMessageId,
        body.content,
        attachments,
        get_settings(),
    )
    metrics.add_metric(name="MessagesSent" if sent.created else "DuplicateSends", unit=MetricUnit.Count, value=1)
    messages.deliver(table, sent)
    return json_response(201 if sent.created else 200, sent.message)


@router.post(
    "/conversations/<conversationId>/read",
    responses=ok(204, "read marker set", None, 400, 401, 404),
    tags=["messages"],
)
def mark_read(conversationId: IdPath, body: Annotated[MarkReadIn, Body()]):
    messages.mark_read(get_table(), current_caller(router), conversationId, body.messageId)
    return json_response(204)
