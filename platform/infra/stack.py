"""The platform's stack: every function, route, the table, bucket, pool and APIs."""

from __future__ import annotations

from infra.model import (
    Bucket,
    Function,
    GlobalSecondaryIndex,
    KeyAttribute,
    Permission,
    RestApi,
    RestRoute,
    Stack,
    Table,
    UserPool,
    WebHosting,
    WebSocketApi,
    WebSocketRoute,
)

METRICS_NAMESPACE = "ChatPlatform"

AUTH_FUNCTION = Function(
    name="auth",
    handler="backend.handlers.auth.handler",
    description="Health check and Cognito sign-up, confirmation, login, refresh and logout",
    memory_mb=512,
    timeout_s=10,
    environment={"POWERTOOLS_SERVICE_NAME": "auth"},
    rest_routes=(
        RestRoute("GET", "/health", authorized=False),
        RestRoute("POST", "/auth/register", authorized=False),
        RestRoute("POST", "/auth/confirm", authorized=False),
        RestRoute("POST", "/auth/login", authorized=False),
        RestRoute("POST", "/auth/refresh", authorized=False),
        # Logout signs the caller out everywhere, so it needs to know who the caller is.
        RestRoute("POST", "/auth/logout", authorized=True),
    ),
    permissions=(
        Permission("table", ("dynamodb:PutItem",)),
        Permission(
            "user_pool",
            ("cognito-idp:AdminConfirmSignUp", "cognito-idp:AdminGetUser", "cognito-idp:AdminUserGlobalSignOut"),
        ),
    ),
)

CHAT_FUNCTION = Function(
    name="chat",
    handler="backend.handlers.chat.handler",
    description="Profiles, conversations, participants, messages and read markers",
    memory_mb=1024,
    timeout_s=10,
    environment={"POWERTOOLS_SERVICE_NAME": "chat"},
    rest_routes=(
        RestRoute("GET", "/me"),
        RestRoute("PATCH", "/me"),
        RestRoute("GET", "/users/{userId}"),
        RestRoute("POST", "/conversations"),
        RestRoute("GET", "/conversations"),
        RestRoute("GET", "/conversations/{conversationId}"),
        RestRoute("POST", "/conversations/{conversationId}/participants"),
        RestRoute("DELETE", "/conversations/{conversationId}/participants/{userId}"),
        RestRoute("GET", "/conversations/{conversationId}/messages"),
        RestRoute("POST", "/conversations/{conversationId}/messages"),
        RestRoute("POST", "/conversations/{conversationId}/read"),
    ),
    permissions=(
        Permission(
            "table",
            (
                "dynamodb:GetItem",
                "dynamodb:BatchGetItem",
                "dynamodb:PutItem",
                "dynamodb:UpdateItem",
                "dynamodb:DeleteItem",
                "dynamodb:ConditionCheckItem",
                "dynamodb:Query",
            ),
        ),
        Permission("table_indexes", ("dynamodb:Query",)),
        Permission("websocket_connections", ("execute-api:ManageConnections",)),
    ),
)

UPLOADS_FUNCTION = Function(
    name="uploads",
    handler="backend.handlers.uploads.handler",
    description="Presigned uploads and downloads: attachments, avatars, call recordings",
    memory_mb=512,
    timeout_s=10,
    environment={"POWERTOOLS_SERVICE_NAME": "uploads"},
    rest_routes=(
        RestRoute("POST", "/uploads"),
        RestRoute("GET", "/uploads/{uploadId}"),
    ),
    permissions=(
        # Upload records (put once), memberships and calls (read), a call's recordings (append).
        Permission("table", ("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem")),
        # Presigned URLs carry the function's identity: it may write where uploads go and
        # read what they hold, nothing else.
        Permission("bucket", ("s3:PutObject",), prefix="attachment/*"),
        Permission("bucket", ("s3:PutObject",), prefix="avatar/*"),
        Permission("bucket", ("s3:PutObject",), prefix="recording/*"),
        Permission("bucket", ("s3:GetObject",), prefix="attachment/*"),
        Permission("bucket", ("s3:GetObject",), prefix="avatar/*"),
        Permission("bucket", ("s3:GetObject",), prefix="recording/*"),
    ),
)

_REALTIME_TABLE_ACTIONS = (
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:ConditionCheckItem",
    "dynamodb:Query",
)

# Functions that read and write chat state and push frames to connections.
_REALTIME_PERMISSIONS = (
    Permission("table", _REALTIME_TABLE_ACTIONS),
    Permission("table_indexes", ("dynamodb:Query",)),
    Permission("websocket_connections", ("execute-api:ManageConnections",)),
)

WEBSOCKET_FUNCTION = Function(
    name="websocket",
    handler="backend.handlers.websocket.handler",
    description="WebSocket connect/disconnect, messages, typing, read markers, call signalling",
    memory_mb=1024,
    timeout_s=10,
    environment={"POWERTOOLS_SERVICE_NAME": "websocket"},
    websocket_routes=tuple(
        WebSocketRoute(key)
        for key in (
            "$connect",
            "$disconnect",
            "$default",
            "sendMessage",
            "typing",
            "markRead",
            "ping",
            "callSignal",
        )
    ),
    # Reserved so that a message storm cannot take the account's whole concurrency (and other
    # functions cannot starve live delivery); also its ceiling, which the alarms read.
    reserved_concurrency=200,
    # a sent message's attachments are checked against the stored objects (HeadObject)
    permissions=(*_REALTIME_PERMISSIONS, Permission("bucket", ("s3:GetObject",), prefix="attachment/*")),
)

CALL_FUNCTION = Function(
    name="call",
    handler="backend.handlers.call.handler",
    description="Video and audio calls: start, accept, decline, end, history, ICE servers",
    memory_mb=512,
    timeout_s=10,
    environment={"POWERTOOLS_SERVICE_NAME": "call"},
    rest_routes=(
        RestRoute("POST", "/calls"),
        RestRoute("GET", "/calls/ice-servers"),
        RestRoute("GET", "/calls/{callId}"),
        RestRoute("POST", "/calls/{callId}/accept"),
        RestRoute("POST", "/calls/{callId}/decline"),
        RestRoute("POST", "/calls/{callId}/end"),
        RestRoute("GET", "/conversations/{conversationId}/calls"),
    ),
    permissions=_REALTIME_PERMISSIONS,
)

NOTIFIER_FUNCTION = Function(
    name="notifier",
    handler="backend.handlers.notifier.handler",
    description="Turns CloudWatch alarm notifications (SNS) into readable webhook and email messages",
    memory_mb=256,
    timeout_s=30,
    # Alarms fire when something is overloaded, often the account's concurrency itself: the
    # notifier keeps a few instances of its own so the page still goes out.
    reserved_concurrency=5,
    # Its email topic ("<alarm topic>-email") and webhook parameter ("/<alarm topic>/webhook-url")
    # are backend/notifications/config.py's defaults; alarms/template.py creates the topic and
    # grants publishing to it and reading the parameter.
    environment={"POWERTOOLS_SERVICE_NAME": "notifier"},
    permissions=(),
)

CANARY_FUNCTION = Function(
    name="canary",
    handler="backend.handlers.canary.handler",
    description="Outage canary: GET /health and a WebSocket connect every minute, recorded as metrics",
    memory_mb=256,
    timeout_s=20,
    # Runs every minute whatever the traffic: a total outage at 3 a.m. still pages.
    schedule="rate(1 minute)",
    # It only calls the public APIs (their URLs are in its environment): no AWS permission.
    environment={"POWERTOOLS_SERVICE_NAME": "canary"},
    permissions=(),
)

TABLE = Table(
    logical_name="ChatTable",
    partition_key=KeyAttribute("PK"),
    sort_key=KeyAttribute("SK"),
    ttl_attribute="expiresAt",
    global_secondary_indexes=(
        # A user's conversations, newest activity first (see docs/data-model.md).
        GlobalSecondaryIndex("GSI1", KeyAttribute("GSI1PK"), KeyAttribute("GSI1SK")),
    ),
)

STACK = Stack(
    name="chat-platform",
    metrics_namespace=METRICS_NAMESPACE,
    functions=(
        AUTH_FUNCTION,
        CHAT_FUNCTION,
        UPLOADS_FUNCTION,
        WEBSOCKET_FUNCTION,
        CALL_FUNCTION,
        NOTIFIER_FUNCTION,
        CANARY_FUNCTION,
    ),
    table=TABLE,
    bucket=Bucket(logical_name="MediaBucket"),
    user_pool=UserPool(logical_name="UserPool", client_name="mobile"),
    rest_api=RestApi(logical_name="RestApi"),
    websocket_api=WebSocketApi(logical_name="WebSocketApi"),
    web=WebHosting(),
)
