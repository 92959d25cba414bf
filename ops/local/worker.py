"""One Lambda execution environment: a child process that imports one handler and runs one
invocation at a time, like the Lambda runtime does.

Run as ``python -m ops.local.worker``. The protocol with the parent (``runtime.py``) is JSON
lines: requests on stdin, replies on the process's original stdout. The handler's own
``print`` and logging output is captured line by line and sent as ``log`` messages as it is
written (so a timed-out invocation keeps what it logged), just as Lambda forwards stdout to
CloudWatch Logs.

Messages to the parent: ``ready`` (init duration) or ``init_error``; then per invocation any
number of ``log`` and one ``result`` (the handler's answer or its error, the duration, the
peak memory and the DynamoDB calls it made).
"""

from __future__ import annotations

import importlib
import io
import json
import os
import resource
import sys
import threading
import time
import traceback
from typing import Any, TextIO

_PROTOCOL_LOCK = threading.Lock()
_PROTOCOL: TextIO


def _send(message: dict[str, Any]) -> None:
    line = json.dumps(message, default=str, separators=(",", ":"))
    with _PROTOCOL_LOCK:
        _PROTOCOL.write(line + "\n")
        _PROTOCOL.flush()


class _LogStream(io.TextIOBase):
    """sys.stdout/sys.stderr of the handler: every complete line becomes a log event."""

    def __init__(self) -> None:
        self._partial = ""
        self._lock = threading.Lock()

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        with self._lock:
            self._partial += text
            *lines, self._partial = self._partial.split("\n")
        for line in lines:
            if line.strip():
                _send({"type": "log", "ts": time.time() * 1000, "message": line})
        return len(text)

    def flush(self) -> None:
        with self._lock:
            line, self._partial = self._partial, ""
        if line.strip():
            _send({"type": "log", "ts": time.time() * 1000, "message": line})


class LambdaContext:
    """The context object the Lambda runtime passes to the handler."""

    def __init__(self, request_id: str, deadline_ms: float) -> None:
        self.function_name = os.environ["AWS_LAMBDA_FUNCTION_NAME"]
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        self.invoked_function_arn = os.environ.get("LOCAL_FUNCTION_ARN", "")
        self.memory_limit_in_mb = int(os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128"))
        self.aws_request_id = request_id
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME", "")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME", "")
        self.identity = None
        self.client_context = None
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self) -> int:
        """Milliseconds left before the runtime stops this invocation."""
        return max(0, int(self._deadline_ms - time.time() * 1000))


class _DynamoDbCalls:
    """Records each DynamoDB call the handler makes (operation, latency, consumed capacity,
    throttling): what the DynamoDB service itself reports as AWS/DynamoDB metrics."""

    # Operations that accept ReturnConsumedCapacity.
    _CAPACITY = {
        "GetItem",
        "PutItem",
        "UpdateItem",
        "DeleteItem",
        "Query",
        "Scan",
        "BatchGetItem",
        "BatchWriteItem",
        "TransactGetItems",
        "TransactWriteItems",
    }

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def install(self) -> None:
        import boto3

        events = boto3._get_default_session().events
        events.register("provide-client-params.dynamodb", self._ask_for_capacity)
        events.register("before-call.dynamodb", self._started)
        events.register("after-call.dynamodb", self._finished)

    def _ask_for_capacity(self, params: dict[str, Any], model: Any, context: dict[str, Any], **_: Any) -> None:
        context["local_items"] = len(params.get("TransactItems") or ()) or 1
        if model.name in self._CAPACITY and "ReturnConsumedCapacity" not in params:
            params["ReturnConsumedCapacity"] = "INDEXES"
            context["local_capacity_added"] = True

    def _started(self, context: dict[str, Any], **_: Any) -> None:
        context["local_started"] = time.perf_counter()

    def _finished(self, parsed: dict[str, Any], model: Any, context: dict[str, Any], **_: Any) -> None:
        started = context.get("local_started")
        latency_ms = (time.perf_counter() - started) * 1000 if started else 0.0
        capacity = parsed.get("ConsumedCapacity")
        if context.get("local_capacity_added"):
            parsed.pop("ConsumedCapacity", None)  # the handler did not ask for it
        error = (parsed.get("Error") or {}).get("Code")
        record = {
            "operation": model.name,
            "latency_ms": latency_ms,
            "capacity": capacity if isinstance(capacity, list) else [capacity] if capacity else [],
            "items": int(context.get("local_items", 1)),
            "error": error,
        }
        with self._lock:
            self.calls.append(record)

    def drain(self) -> list[dict[str, Any]]:
        with self._lock:
            calls, self.calls = self.calls, []
        return calls


def _handler_from(spec: str) -> Any:
    module_name, _, attribute = spec.rpartition(".")
    return getattr(importlib.import_module(module_name), attribute)


def _error_of(error: BaseException, *, skip_runtime_frame: bool = False) -> dict[str, Any]:
    trace = error.__traceback__
    if skip_runtime_frame and trace is not None and trace.tb_next is not None:
        trace = trace.tb_next  # the frame of this module that called the handler
    return {
        "errorMessage": str(error),
        "errorType": type(error).__name__,
        "stackTrace": traceback.format_tb(trace),
    }


class InjectedFault(RuntimeError):
    """The error a function raises while ``ops local fault inject`` says it fails."""


def _max_memory_mb() -> int:
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def _invoke(handler: Any, request: dict[str, Any], dynamodb: _DynamoDbCalls) -> None:
    request_id = request["request_id"]
    if request.get("trace_header"):
        os.environ["_X_AMZN_TRACE_ID"] = request["trace_header"]
    else:
        os.environ.pop("_X_AMZN_TRACE_ID", None)
    context = LambdaContext(request_id, request["deadline_ms"])
    dynamodb.drain()
    started = time.perf_counter()
    reply: dict[str, Any] = {"type": "result", "request_id": request_id}
    try:
        if request.get("fault"):
            # An injected fault (ops local fault): the invocation fails as a raising handler would.
            raise InjectedFault(request["fault"])
        result = handler(request["event"], context)
        json.dumps(result, default=str)  # an unserialisable answer is a function error, as in Lambda
        reply["result"] = result
    except Exception as error:
        reply["error"] = _error_of(error, skip_runtime_frame=True)
        # The Python runtime logs an uncaught error as one [ERROR] event with its trace.
        text = f"[ERROR] {type(error).__name__}: {error}\nTraceback (most recent call last):\n"
        _send({"type": "log", "ts": time.time() * 1000, "message": text + "".join(reply["error"]["stackTrace"])})
    sys.stdout.flush()
    sys.stderr.flush()
    reply["duration_ms"] = (time.perf_counter() - started) * 1000
    reply["max_memory_mb"] = _max_memory_mb()
    reply["dynamodb"] = dynamodb.drain()
    _send(reply)


def main() -> None:
    """Init (import the handler, timed), then serve invocations until stdin closes."""
    global _PROTOCOL
    started = time.perf_counter()
    # The protocol keeps the real stdout; fd 1 and 2 go nowhere so that stray output from C
    # code cannot corrupt it, and Python-level output becomes log events.
    _PROTOCOL = os.fdopen(os.dup(1), "w", encoding="utf-8")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    sys.stdout = _LogStream()
    sys.stderr = sys.stdout
    dynamodb = _DynamoDbCalls()
    try:
        dynamodb.install()
        handler = _handler_from(os.environ["_HANDLER"])
    except BaseException as error:
        sys.stdout.flush()
        _send({"type": "init_error", "error": _error_of(error), "init_ms": (time.perf_counter() - started) * 1000})
        return
    sys.stdout.flush()
    _send({"type": "ready", "init_ms": (time.perf_counter() - started) * 1000, "max_memory_mb": _max_memory_mb()})
    for line in sys.stdin:
        request = json.loads(line)
        if request.get("type") == "invoke":
            _invoke(handler, request, dynamodb)


if __name__ == "__main__":
    main()
