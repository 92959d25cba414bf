"""The local API Gateway: an ASGI app serving the REST API at ``/``, the WebSocket API at
``/ws`` and the WebSocket management API at ``/@connections/{id}``, invoking the stack's
functions through the local Lambda runtime and recording what API Gateway records."""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import time
from collections.abc import Mapping
from typing import Any

import anyio
from infra.gateway_responses import gateway_response
from infra.model import Stack
from infra.waf_body_rules import BodyRules
from starlette.applications import Starlette
from starlette.convertors import Convertor, register_url_convertor
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from ops.local import names
from ops.local.authorizer import CognitoAuthorizer
from ops.local.faults import FaultBoard
from ops.local.rest import MalformedResponse, RouteTable, build_event, new_request_id, parse_response
from ops.local.runtime import Invocation, LambdaService, Throttled, TraceContext, new_segment_id, new_trace_id
from ops.local.telemetry import Telemetry
from ops.local.websocket import (
    CONNECT,
    DISCONNECT,
    Connection,
    Routes,
    connect_event,
    disconnect_event,
    message_event,
    new_connection_id,
)

MAX_REST_BODY = 10 * 1024 * 1024  # API Gateway's payload limit
MAX_WS_MESSAGE = 128 * 1024  # a WebSocket message (and a post_to_connection payload)
_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
_MANAGEMENT_METHODS = ["GET", "POST", "DELETE"]


class _AnyPath(Convertor[str]):
    """Every path, line feeds included (Starlette's ``path`` stops at one): API Gateway hands
    ``/conversations/%0A`` to the function with the decoded id, so the twin must match it too."""

    regex = r"[\s\S]*"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("anypath", _AnyPath())


class TokenBucket:
    """The stage's throttle: ``rate`` requests per second, bursts up to ``burst``."""

    def __init__(self, rate: float, burst: int) -> None:
        self._rate = rate
        self._burst = float(burst)
        self._tokens = float(burst)
        self._at = time.monotonic()

    def take(self) -> bool:
        """True when a request may pass."""
        now = time.monotonic()
        self._tokens = min(self._burst, self._tokens + (now - self._at) * self._rate)
        self._at = now
        if self._tokens >= 1:
            self._tokens -= 1
            return True
        return False


def _json(status: int, body: Any, headers: Mapping[str, str] | None = None) -> Response:
    return Response(json.dumps(body, separators=(",", ":")), status, dict(headers or {}), "application/json")


class Gateway:
    """API Gateway for ``stack``, in front of ``lambdas``."""

    def __init__(
        self,
        stack: Stack,
        lambdas: LambdaService,
        authorizer: CognitoAuthorizer,
        telemetry: Telemetry,
        *,
        cors_origins: list[str],
        trace_sample_rate: float = 1.0,
        faults: FaultBoard | None = None,
    ) -> None:
        self.stack = stack
        self.faults = faults or FaultBoard(None)
        self.lambdas = lambdas
        self.authorizer = authorizer
        # the web ACL's body rules (the rest of the managed groups is not emulated)
        self._waf = BodyRules.of(stack)
        self.telemetry = telemetry
        self.cors_origins = cors_origins
        self.trace_sample_rate = trace_sample_rate
        self.rest_routes = RouteTable(stack)
        self.ws_routes = Routes(stack)
        self.connections: dict[str, Connection] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._throttle = TokenBucket(stack.rest_api.throttle_rate_limit, stack.rest_api.throttle_burst_limit)
        self._api_name = names.rest_api_name(stack)
        self._ws_api_id = names.websocket_api_id(stack)
        # Every authorizer call may fetch the JWKS once and verify a signature: off the loop.
        self._limiter = anyio.CapacityLimiter(64)
        self.app = Starlette(
            routes=[
                Route("/@connections/{connection_id}", self.management, methods=_MANAGEMENT_METHODS),
                Route("/{stage}/@connections/{connection_id}", self.management, methods=_MANAGEMENT_METHODS),
                WebSocketRoute("/ws", self.websocket),
                Route("/{path:anypath}", self.rest, methods=_METHODS),
            ]
        )

    # -- shared ------------------------------------------------------------------------

    def _trace(self) -> TraceContext:
        return TraceContext(new_trace_id(), new_segment_id(), random.random() < self.trace_sample_rate)  # noqa: S311

    def _cors(self, origin: str | None) -> dict[str, str]:
        if origin and origin in self.cors_origins:
            return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}
        return {}

    def _gateway_answer(self, response_type: str, origin: str | None, status: int | None = None) -> Response:
        answer = gateway_response(response_type)
        return _json(answer.status or status or 500, answer.body(), self._cors(origin))

    def _api_metric(self, name: str, value: float, unit: str, method: str | None, resource: str | None) -> None:
        stage = self.stack.rest_api.stage
        self.telemetry.metric("AWS/ApiGateway", name, value, unit, {"ApiName": self._api_name})
        self.telemetry.metric("AWS/ApiGateway", name, value, unit, {"ApiName": self._api_name, "Stage": stage})
        if method and resource:
            dims = {"ApiName": self._api_name, "Stage": stage, "Method": method, "Resource": resource}
            self.telemetry.metric("AWS/ApiGateway", name, value, unit, dims)

    def _ws_metric(self, name: str, value: float, unit: str = "Count", route: str | None = None) -> None:
        stage = self.stack.websocket_api.stage
        self.telemetry.metric("AWS/ApiGateway", name, value, unit, {"ApiId": self._ws_api_id, "Stage": stage})
        if route:
            dims = {"ApiId": self._ws_api_id, "Stage": stage, "Route": route}
            self.telemetry.metric("AWS/ApiGateway", name, value, unit, dims)

    def _segment(self, name: str, trace: TraceContext, started: float, extra: dict[str, Any]) -> None:
        if not trace.sampled:
            return
        document = {
            "name": name,
            "id": trace.parent_id,
            "trace_id": trace.trace_id,
            "start_time": started,
            "end_time": time.time(),
            "origin": "AWS::ApiGateway::Stage",
            **extra,
        }
        self.telemetry.segment(document)

    # -- REST --------------------------------------------------------------------------

    async def rest(self, request: Request) -> Response:
        """One REST request: throttle, route, authorizer, function, answer."""
        if self.faults.active("api-outage"):
            # Injected outage: the request never reaches API Gateway, so nothing is recorded.
            return _json(503, {"message": "Service Unavailable"}, {"Retry-After": "30"})
        started, started_wall = time.perf_counter(), time.time()
        request_id = new_request_id()
        trace = self._trace()
        method = request.method
        origin = request.headers.get("origin")
        outcome: dict[str, Any] = {"resource": None, "integration_ms": None}
        response = await self._rest(request, request_id, trace, outcome)
        latency = (time.perf_counter() - started) * 1000
        resource = outcome["resource"]
        self._api_metric("Count", 1, "Count", method, resource)
        self._api_metric("4XXError", 1 if 400 <= response.status_code < 500 else 0, "Count", method, resource)
        self._api_metric("5XXError", 1 if response.status_code >= 500 else 0, "Count", method, resource)
        self._api_metric("Latency", latency, "Milliseconds", method, resource)
        if outcome["integration_ms"] is not None:
            self._api_metric("IntegrationLatency", outcome["integration_ms"], "Milliseconds", method, resource)
        response.headers["x-amzn-RequestId"] = request_id
        response.headers["X-Amzn-Trace-Id"] = f"Root={trace.trace_id}"
        if origin and "access-control-allow-origin" not in response.headers:
            response.headers.update(self._cors(origin))
        self._segment(
            f"{self._api_name}/{self.stack.rest_api.stage}",
            trace,
            started_wall,
            {
                "http": {
                    "request": {"method": method, "url": str(request.url)},
                    "response": {"status": response.status_code},
                },
                "error": 400 <= response.status_code < 500,
                "fault": response.status_code >= 500,
            },
        )
        return response

    async def _rest(self, request: Request, request_id: str, trace: TraceContext, outcome: dict[str, Any]) -> Response:
        # the decoded path as the server got it: ``request.url`` re-parses it, and Python's URL
        # parser drops line feeds and tabs (``/probe/a%0Ab`` would become ``/probe/ab``)
        method, path = request.method, request.scope["path"]
        origin = request.headers.get("origin")
        if method == "OPTIONS" and "access-control-request-method" in request.headers:
            return self._preflight(path, origin)
        if not self._throttle.take():
            return self._gateway_answer("THROTTLED", origin)
        matched = self.rest_routes.match(method, path)
        if matched is None:
            return self._gateway_answer("MISSING_AUTHENTICATION_TOKEN", origin)
        outcome["resource"] = matched.route.path
        body = await request.body()
        if self._waf.blocks(method, matched.route.path, body):
            return self._gateway_answer("WAF_FILTERED", origin)
        if len(body) > MAX_REST_BODY:
            return self._gateway_answer("REQUEST_TOO_LARGE", origin)
        client = request.client
        event = build_event(
            self.stack,
            matched,
            method=method,
            path=path,
            query=request.query_params.multi_items(),
            headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw],
            body=body,
            source_ip=client.host if client else "127.0.0.1",
            host=request.headers.get("host", "127.0.0.1"),
            request_id=request_id,
        )
        if matched.route.authorized:
            refusal = await anyio.to_thread.run_sync(self.authorizer.authorize, event, limiter=self._limiter)
            if refusal is not None:
                return self._gateway_answer("UNAUTHORIZED", origin)
        integration_started = time.perf_counter()
        try:
            invocation = await self.lambdas.invoke(matched.function.name, event, trace)
        except Throttled:
            return self._gateway_answer("THROTTLED", origin)
        finally:
            outcome["integration_ms"] = (time.perf_counter() - integration_started) * 1000
        return self._proxy_answer(invocation, origin, method)

    def _proxy_answer(self, invocation: Invocation, origin: str | None, method: str) -> Response:
        if invocation.outcome == "timeout":
            return self._gateway_answer("INTEGRATION_FAILURE", origin)
        if invocation.outcome != "ok":
            return self._gateway_answer("INTEGRATION_FAILURE", origin)
        try:
            answer = parse_response(invocation.result)
        except MalformedResponse:
            return self._gateway_answer("INTEGRATION_FAILURE", origin)
        # HTTP allows no body on these; API Gateway drops one a function returns anyway.
        body = b"" if answer.status in (204, 304) or method == "HEAD" else answer.body
        response = Response(body, answer.status)
        # Starlette sets content-length itself; the function's headers go through as they are.
        response.raw_headers = [h for h in response.raw_headers if h[0] == b"content-length"] + [
            (k.lower().encode("latin-1"), v.encode("latin-1"))
            for k, v in answer.headers
            if k.lower() != "content-length"
        ]
        return response

    def _preflight(self, path: str, origin: str | None) -> Response:
        methods = self.rest_routes.methods_for(path)
        if not methods:
            return self._gateway_answer("MISSING_AUTHENTICATION_TOKEN", origin)
        headers = self._cors(origin)
        if headers:
            headers.update(
                {
                    "Access-Control-Allow-Methods": ",".join([*methods, "OPTIONS"]),
                    "Access-Control-Allow-Headers": "Authorization,Content-Type,X-Correlation-Id",
                    "Access-Control-Max-Age": "600",
                }
            )
        return Response(status_code=204, headers=headers)

    # -- WebSocket ---------------------------------------------------------------------

    async def websocket(self, socket: WebSocket) -> None:
        """One client connection: ``$connect``, frames, ``$disconnect``."""
        if self.faults.active("api-outage"):
            await socket.send_denial_response(_json(503, {"message": "Service Unavailable"}))
            return
        client = socket.client
        domain = socket.headers.get("host", "127.0.0.1")
        connection = Connection(
            new_connection_id(), socket, client.host if client else "127.0.0.1", socket.headers.get("user-agent")
        )
        self._ws_metric("ConnectCount", 1, route=CONNECT)
        accepted, subprotocol = await self._connect(connection, socket, domain)
        if not accepted:
            return
        await socket.accept(subprotocol=subprotocol)
        self.connections[connection.connection_id] = connection
        code, reason = 1005, ""
        try:
            while True:
                message = await socket.receive()
                if message["type"] == "websocket.disconnect":
                    code, reason = int(message.get("code") or 1005), str(message.get("reason") or "")
                    break
                connection.last_active_at = time.time()
                self._ws_metric("MessageCount", 1)
                payload = message.get("text")
                if payload is None:
                    payload = (message.get("bytes") or b"").decode("utf-8", "replace")
                self._spawn(self._frame(connection, payload, domain, binary="text" not in message))
        except WebSocketDisconnect as disconnect:
            code = disconnect.code
        finally:
            connection.open = False
            self.connections.pop(connection.connection_id, None)
            self._spawn(self._disconnect(connection, domain, code, reason))

    async def _connect(self, connection: Connection, socket: WebSocket, domain: str) -> tuple[bool, str | None]:
        function = self.ws_routes.function_for(CONNECT)
        requested = socket.headers.get("sec-websocket-protocol")
        if function is None:
            return True, requested.split(",")[0].strip() if requested else None
        request_id = new_request_id()
        event = connect_event(
            self.stack,
            connection,
            headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in socket.headers.raw],
            query=socket.query_params.multi_items(),
            request_id=request_id,
            domain=domain,
        )
        status, headers = await self._invoke_route(function.name, CONNECT, event)
        if not 200 <= status < 300:
            body = {"message": "Forbidden" if status in (401, 403) else "Internal server error"}
            await socket.send_denial_response(_json(status, body, {"x-amzn-RequestId": request_id}))
            return False, None
        subprotocol = next((v for k, v in headers.items() if k.lower() == "sec-websocket-protocol"), None)
        return True, subprotocol

    async def _invoke_route(self, function: str, route: str, event: dict[str, Any]) -> tuple[int, dict[str, str]]:
        """Invoke a WebSocket route; the status it answered (500 for a failure, 429 when
        throttled) and its headers, with the route's metrics."""
        started = time.perf_counter()
        trace = self._trace()
        try:
            invocation = await self.lambdas.invoke(function, event, trace)
        except Throttled:
            self._ws_metric("ClientError", 1, route=route)
            return 429, {}
        self._ws_metric("IntegrationLatency", (time.perf_counter() - started) * 1000, "Milliseconds", route=route)
        if invocation.outcome != "ok":
            self._ws_metric("ExecutionError", 1, route=route)
            self._ws_metric("IntegrationError", 1, route=route)
            return 500, {}
        result = invocation.result if isinstance(invocation.result, dict) else {}
        status = result.get("statusCode", 200)
        status = int(status) if isinstance(status, int | str) and str(status).isdigit() else 200
        if 400 <= status < 500:
            self._ws_metric("ClientError", 1, route=route)
        headers = result.get("headers") if isinstance(result.get("headers"), dict) else {}
        return status, {str(k): str(v) for k, v in (headers or {}).items()}

    async def _frame(self, connection: Connection, payload: str, domain: str, binary: bool) -> None:
        request_id = new_request_id()
        route = self.ws_routes.select(payload)
        function = self.ws_routes.function_for(route) if route else None
        if route is None or function is None:
            self._ws_metric("ClientError", 1)
            await self.send(
                connection,
                json.dumps({"message": "Forbidden", "connectionId": connection.connection_id, "requestId": request_id}),
            )
            return
        event = message_event(
            self.stack, connection, route_key=route, body=payload, request_id=request_id, domain=domain, binary=binary
        )
        status, _ = await self._invoke_route(function.name, route, event)
        if status == 429:
            message = "Too Many Requests"
        elif status >= 500:
            message = "Internal server error"
        else:
            return
        await self.send(
            connection,
            json.dumps({"message": message, "connectionId": connection.connection_id, "requestId": request_id}),
        )

    async def _disconnect(self, connection: Connection, domain: str, code: int, reason: str) -> None:
        function = self.ws_routes.function_for(DISCONNECT)
        if function is None:
            return
        event = disconnect_event(
            self.stack, connection, status_code=code, reason=reason, request_id=new_request_id(), domain=domain
        )
        await self._invoke_route(function.name, DISCONNECT, event)

    def _spawn(self, coroutine: Any) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def send(self, connection: Connection, data: str | bytes) -> bool:
        """Write one message to a client; False when the connection is gone."""
        if not connection.open:
            return False
        try:
            async with connection.lock:
                if isinstance(data, bytes):
                    await connection.socket.send_bytes(data)
                else:
                    await connection.socket.send_text(data)
        except Exception:  # any failure to write means the client is gone
            connection.open = False
            return False
        self._ws_metric("MessageCount", 1)
        return True

    # -- management API ----------------------------------------------------------------

    async def management(self, request: Request) -> Response:
        """``POST|GET|DELETE /@connections/{id}``: what ``apigatewaymanagementapi`` calls."""
        if request.method == "POST" and self.faults.active("management-api-errors"):
            return _json(
                500, {"message": "Internal server error"}, {"x-amzn-ErrorType": "InternalServerErrorException"}
            )
        connection = self.connections.get(request.path_params["connection_id"])
        if connection is None or not connection.open:
            return _json(410, {"message": None}, {"x-amzn-ErrorType": "GoneException"})
        if request.method == "GET":
            return _json(200, connection.describe())
        if request.method == "DELETE":
            self._spawn(self._close(connection))
            return Response(status_code=204)
        data = await request.body()
        if len(data) > MAX_WS_MESSAGE:
            return _json(413, {"message": "Message too long"}, {"x-amzn-ErrorType": "PayloadTooLargeException"})
        try:
            text: str | bytes = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data
        if not await self.send(connection, text):
            return _json(410, {"message": None}, {"x-amzn-ErrorType": "GoneException"})
        return Response(status_code=200)

    async def _close(self, connection: Connection, code: int = 1000) -> None:
        with contextlib.suppress(Exception):
            async with connection.lock:
                await connection.socket.close(code)
        connection.open = False

    async def shutdown(self) -> None:
        """Close every connection ("going away") and wait briefly for in-flight work."""
        await asyncio.gather(*(self._close(c, 1001) for c in list(self.connections.values())), return_exceptions=True)
        if self._tasks:
            _, pending = await asyncio.wait(set(self._tasks), timeout=5)
            for task in pending:
                task.cancel()
