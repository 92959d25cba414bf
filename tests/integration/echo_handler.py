"""A tiny WebSocket function for testing the gateway's plumbing on its own: it answers
``$connect`` by a fixed token, echoes frames back through the management API, and can be
asked to sleep (timeouts), fail, or post to other connections (410 handling)."""

from __future__ import annotations

import json
import os
import time
from typing import Any

import boto3
from botocore.config import Config

GOOD_TOKEN = "letmein"
_client: Any = None


def _management() -> Any:
    global _client
    if _client is None:
        _client = boto3.client(
            "apigatewaymanagementapi",
            endpoint_url=os.environ["WEBSOCKET_MANAGEMENT_URL"],
            config=Config(retries={"max_attempts": 1}),
        )
    return _client


def _post(connection_id: str, payload: dict[str, Any]) -> str:
    try:
        _management().post_to_connection(ConnectionId=connection_id, Data=json.dumps(payload).encode())
    except _management().exceptions.GoneException:
        return "gone"
    return "sent"


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    request = event["requestContext"]
    route, me = request["routeKey"], request["connectionId"]
    if route == "$connect":
        token = (event.get("queryStringParameters") or {}).get("token")
        return {"statusCode": 200 if token == GOOD_TOKEN else 401}
    if route == "$disconnect":
        print(json.dumps({"disconnected": me, "code": request.get("disconnectStatusCode")}))
        return {"statusCode": 200}
    try:
        body = json.loads(event.get("body") or "")
    except ValueError:
        body = None
    if route == "$default":
        _post(me, {"type": "default", "raw": event.get("body")})
        return {"statusCode": 200}
    if route == "echo":
        _post(
            me,
            {
                "type": "echo",
                "body": body,
                "route": route,
                "connectionId": me,
                "function": context.function_name,
                "remainingMs": context.get_remaining_time_in_millis(),
                "eventType": request["eventType"],
                "pid": os.getpid(),
            },
        )
    elif route == "broadcast":
        results = {target: _post(target, {"type": "broadcast", "from": me}) for target in body["to"]}
        _post(me, {"type": "broadcast.result", "results": results})
    elif route == "sleep":
        time.sleep(float(body["seconds"]))
        _post(me, {"type": "slept"})
    elif route == "boom":
        raise RuntimeError("boom")
    elif route == "describe":
        info = _management().get_connection(ConnectionId=body["id"])
        _post(me, {"type": "described", "sourceIp": info["Identity"]["SourceIp"]})
    elif route == "kick":
        _management().delete_connection(ConnectionId=body["id"])
    return {"statusCode": 200}
