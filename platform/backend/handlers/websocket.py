"""Entry point of the WebSocket function ($connect, $disconnect, $default and the actions)."""

from __future__ import annotations

from typing import Any

from backend import adapters
from backend.auth.tokens import get_verifier
from backend.observability import lambda_entry
from backend.services.uploads import s3_client
from backend.store.table import get_table
from backend.ws import dispatch

get_table()  # clients built during init, not on the first request
adapters.sender()
adapters.fanout()
get_verifier()
s3_client()  # a sent message's attachments are checked against the bucket


def _route(event: dict[str, Any], context: Any) -> dict[str, Any]:
    route_key = event.get("requestContext", {}).get("routeKey")
    if route_key == "$connect":
        return dispatch.connect(event, get_verifier())
    if route_key == "$disconnect":
        return dispatch.disconnect(event)
    return dispatch.message(event)


handler = lambda_entry(_route)
