"""Entry point of the WebSocket function ($connect, $disconnect, $default and the actions)."""

from __future__ import annotations

from typing import Any

from backend import adapters, init_phase
from backend.auth.tokens import get_verifier
from backend.observability import lambda_entry
from backend.services.uploads import s3_client
from backend.store.table import get_table
from backend.ws import dispatch

get_table()  # clients built during init, not on the first request
adapters.sender()
adapters.fanout()
get_verifier()
if init_phase.paid_ahead():
    # Only a message with attachments needs S3 (HeadObject on each key): an on-demand cold
    # start, which a user waits for, leaves it to the first such message (about 40 ms).
    s3_client()


def _route(event: dict[str, Any], context: Any) -> dict[str, Any]:
    route_key = event.get("requestContext", {}).get("routeKey")
    if route_key == "$connect":
        return dispatch.connect(event, get_verifier())
    if route_key == "$disconnect":
        return dispatch.disconnect(event)
    return dispatch.message(event)


handler = lambda_entry(_route)
