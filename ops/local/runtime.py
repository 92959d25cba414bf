"""Lambda semantics for the local twin: execution environments, cold starts, concurrency,
timeouts, and what Lambda records about each invocation.

Each *instance* (execution environment) is a child process (``ops.local.worker``) that
imports the handler once and serves one invocation at a time, so that:

- every function has its own environment variables (from the stack model) and its own
  module state: Powertools' Logger/Metrics/Tracer, cached settings and boto3 clients are
  per instance exactly as in Lambda, and concurrent invocations never share them;
- a cold start is real: the first invocation of an instance pays for the interpreter and the
  handler's imports, which is measured as Init Duration; Powertools' cold-start flag is true
  exactly once per instance because each instance is a fresh process;
- a timeout is enforced the way Lambda does it: the environment is killed and discarded.

A function runs at most ``concurrency`` invocations at once (its reserved concurrency from the
model, else the twin's default); one more is refused with :class:`Throttled`, which the
gateway answers with 429. Idle instances are reused most-recently-used first, as Lambda tends
to, and are never reaped while the twin runs (memory is the limit, not time).

Provisioned concurrency (``set_provisioned``) keeps N instances initialized ahead of traffic,
started with ``AWS_LAMBDA_INITIALIZATION_TYPE=provisioned-concurrency`` as Lambda does:
requests go to them first, their REPORT lines carry no Init Duration, and Powertools records
no cold start for them. Only requests beyond them start on-demand (cold) instances.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import os
import secrets
import sys
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Literal

from infra.model import Function, Stack

from ops.local import names
from ops.local.telemetry import Telemetry

INIT_TIMEOUT_S = 10.0
_READ_LIMIT = 8 * 1024 * 1024  # a 6 MB Lambda answer plus its JSON framing

Outcome = Literal["ok", "error", "timeout"]


class Throttled(Exception):
    """The function is at its concurrency limit."""

    def __init__(self, function: str, limit: int) -> None:
        super().__init__(f"{function} is at its concurrency limit ({limit})")
        self.function = function
        self.limit = limit


@dataclass(frozen=True)
class TraceContext:
    """The X-Ray trace an invocation belongs to and the segment that called it."""

    trace_id: str
    parent_id: str
    sampled: bool = True


@dataclass
class Invocation:
    """What one invocation produced."""

    function: str
    request_id: str
    outcome: Outcome
    result: Any = None
    error: dict[str, Any] | None = None
    duration_ms: float = 0.0
    init_ms: float | None = None

    @property
    def cold(self) -> bool:
        """True when this invocation started a new instance."""
        return self.init_ms is not None


def new_trace_id() -> str:
    """An X-Ray trace id (``1-<epoch hex>-<96 random bits>``)."""
    return f"1-{int(time.time()):08x}-{secrets.token_hex(12)}"


def new_segment_id() -> str:
    """An X-Ray segment id (64 random bits)."""
    return secrets.token_hex(8)


class _WorkerDied(Exception):
    pass


@dataclass(eq=False)
class _Instance:
    process: asyncio.subprocess.Process
    log_stream: str
    init_ms: float = 0.0
    invocations: int = 0
    closed: bool = field(default=False)
    provisioned: bool = False

    async def send(self, message: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(message, separators=(",", ":")).encode() + b"\n")
        await self.process.stdin.drain()

    async def receive(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = await self.process.stdout.readline()
        if not line:
            raise _WorkerDied
        message: dict[str, Any] = json.loads(line)
        return message

    async def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        with contextlib.suppress(ProcessLookupError, ConnectionError, RuntimeError):
            if self.process.stdin is not None:
                self.process.stdin.close()
        try:
            await asyncio.wait_for(self.process.wait(), 2)
        except TimeoutError:
            await self.kill()

    async def kill(self) -> None:
        self.closed = True
        with contextlib.suppress(ProcessLookupError):
            self.process.kill()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.process.wait(), 5)


def _log_stream_name() -> str:
    return time.strftime("%Y/%m/%d", time.gmtime()) + f"/[{names.PUBLISHED_VERSION}]" + uuid.uuid4().hex


class FunctionRuntime:
    """The instances of one function and the rules they run under."""

    def __init__(
        self,
        stack: Stack,
        function: Function,
        environment: dict[str, str],
        concurrency: int,
        telemetry: Telemetry,
        python_path: tuple[str, ...] = (),
    ) -> None:
        self.function = function
        self.name = names.function_name(stack, function)
        self.arn = names.alias_arn(stack, function)
        self.log_group = names.log_group(stack, function)
        self.concurrency = function.reserved_concurrency or concurrency
        self._environment = environment
        self._telemetry = telemetry
        self._python_path = python_path
        self._idle: list[_Instance] = []
        self._idle_provisioned: list[_Instance] = []
        self._all: set[_Instance] = set()
        self.provisioned_target = 0
        self._provisioning = asyncio.Lock()
        self._closing: set[asyncio.Future[None]] = set()
        self.in_flight = 0
        self.cold_starts = 0
        self.invocations = 0
        self.throttles = 0
        self.errors = 0

    # -- instances ---------------------------------------------------------------------

    def _instance_env(self, log_stream: str, provisioned: bool = False) -> dict[str, str]:
        env = dict(self._environment)
        env["AWS_LAMBDA_LOG_STREAM_NAME"] = log_stream
        if provisioned:
            env["AWS_LAMBDA_INITIALIZATION_TYPE"] = "provisioned-concurrency"
        env["LOCAL_FUNCTION_ARN"] = self.arn
        # Only what the process needs to start; nothing else leaks in from the parent.
        env["PATH"] = os.environ.get("PATH", "/usr/bin:/bin")
        env["AWS_CONFIG_FILE"] = os.devnull
        env["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
        if self._python_path:
            env["PYTHONPATH"] = os.pathsep.join(self._python_path)
        return env

    async def _start_instance(self, request_id: str, provisioned: bool = False) -> _Instance:
        log_stream = _log_stream_name()
        started = time.perf_counter()
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "ops.local.worker",
            env=self._instance_env(log_stream, provisioned),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
            limit=_READ_LIMIT,
            start_new_session=True,  # Ctrl-C reaches the twin, which stops its instances itself
        )
        instance = _Instance(process, log_stream, provisioned=provisioned)
        self._all.add(instance)
        if not provisioned:
            self.cold_starts += 1
        try:
            while True:
                message = await asyncio.wait_for(instance.receive(), INIT_TIMEOUT_S)
                if message["type"] == "log":
                    self._log(instance, message["message"], message["ts"])
                    continue
                instance.init_ms = float(message.get("init_ms") or (time.perf_counter() - started) * 1000)
                if message["type"] == "ready":
                    return instance
                error = message.get("error") or {}
                self._log(instance, f"[ERROR] Runtime.ImportModuleError: {error.get('errorMessage')}")
                raise _InitFailed(error)
        except (TimeoutError, _WorkerDied) as failure:
            elapsed = (time.perf_counter() - started) * 1000
            status = "timeout" if isinstance(failure, TimeoutError) else "error"
            self._log(instance, f"INIT_REPORT Init Duration: {elapsed:.2f} ms\tPhase: init\tStatus: {status}")
            await self._discard(instance)
            raise _InitFailed({"errorType": f"Runtime.Init{status.title()}", "errorMessage": status}) from failure
        except _InitFailed:
            await self._discard(instance)
            raise

    async def _discard(self, instance: _Instance) -> None:
        self._all.discard(instance)
        await instance.kill()

    def _log(self, instance: _Instance, message: str, ts_ms: float | None = None) -> None:
        self._telemetry.log(self.log_group, instance.log_stream, message, ts_ms)

    # -- invocation --------------------------------------------------------------------

    async def invoke(self, event: dict[str, Any], trace: TraceContext | None = None) -> Invocation:
        """Run ``event`` through the function, as a synchronous (RequestResponse) invoke.

        Throttled when the function already runs ``concurrency`` invocations.
        """
        if self.in_flight >= self.concurrency:
            self.throttles += 1
            self._telemetry.lambda_metric(self.name, "Throttles", 1, "Count")
            raise Throttled(self.name, self.concurrency)
        self.in_flight += 1
        self.invocations += 1
        self._telemetry.lambda_metric(self.name, "ConcurrentExecutions", self.in_flight, "Count")
        request_id = str(uuid.uuid4())
        try:
            invocation = await self._run(request_id, event, trace)
        finally:
            self.in_flight -= 1
        if invocation.outcome != "ok":
            self.errors += 1
        self._record(invocation)
        return invocation

    async def _run(self, request_id: str, event: dict[str, Any], trace: TraceContext | None) -> Invocation:
        init_ms: float | None = None
        if self._idle_provisioned:
            instance = self._idle_provisioned.pop()
        elif self._idle:
            instance = self._idle.pop()
        else:
            try:
                instance = await self._start_instance(request_id)
            except _InitFailed as failed:
                return Invocation(self.name, request_id, "error", error=failed.error, init_ms=0.0)
            init_ms = instance.init_ms
        segment_id = new_segment_id()
        header = None
        if trace is not None:
            header = f"Root={trace.trace_id};Parent={segment_id};Sampled={1 if trace.sampled else 0}"
        deadline_ms = time.time() * 1000 + self.function.timeout_s * 1000
        self._log(instance, f"START RequestId: {request_id} Version: {names.PUBLISHED_VERSION}")
        started = time.perf_counter()
        started_wall = time.time()
        invocation = Invocation(self.name, request_id, "ok", init_ms=init_ms)
        try:
            await instance.send(
                {
                    "type": "invoke",
                    "request_id": request_id,
                    "event": event,
                    "deadline_ms": deadline_ms,
                    "trace_header": header,
                }
            )
            reply = await asyncio.wait_for(self._await_result(instance), self.function.timeout_s)
        except TimeoutError:
            invocation.outcome = "timeout"
            invocation.duration_ms = self.function.timeout_s * 1000.0
            invocation.error = {
                "errorType": "Sandbox.Timedout",
                "errorMessage": f"Task timed out after {self.function.timeout_s:.2f} seconds",
            }
            self._log(instance, f"{_iso_now()} {request_id} Task timed out after {self.function.timeout_s:.2f} seconds")
            await self._discard(instance)
            reply = {"max_memory_mb": 0}
        except (_WorkerDied, ConnectionError):
            invocation.outcome = "error"
            invocation.duration_ms = (time.perf_counter() - started) * 1000
            invocation.error = {"errorType": "Runtime.ExitError", "errorMessage": "the runtime exited"}
            self._log(instance, f"RequestId: {request_id} Error: Runtime exited without providing a reason")
            await self._discard(instance)
            reply = {"max_memory_mb": 0}
        else:
            invocation.duration_ms = float(reply.get("duration_ms", 0.0))
            if "error" in reply:
                invocation.outcome = "error"
                invocation.error = reply["error"]
            else:
                invocation.result = reply.get("result")
            instance.invocations += 1
            self._release(instance)
            self._telemetry.dynamodb_calls(self._environment.get("TABLE_NAME", ""), reply.get("dynamodb") or [])
        self._log(instance, f"END RequestId: {request_id}")
        report = (
            f"REPORT RequestId: {request_id}\tDuration: {invocation.duration_ms:.2f} ms\t"
            f"Billed Duration: {math.ceil(invocation.duration_ms)} ms\tMemory Size: {self.function.memory_mb} MB\t"
            f"Max Memory Used: {reply.get('max_memory_mb', 0)} MB\t"
        )
        if init_ms is not None:
            report += f"Init Duration: {init_ms:.2f} ms\t"
        if trace is not None:
            sampled = str(trace.sampled).lower()
            report += f"\nXRAY TraceId: {trace.trace_id}\tSegmentId: {segment_id}\tSampled: {sampled}\t"
        self._log(instance, report)
        if trace is not None and trace.sampled:
            self._segment(invocation, trace, segment_id, started_wall)
        return invocation

    def _release(self, instance: _Instance) -> None:
        if not instance.provisioned:
            self._idle.append(instance)
        elif self.provisioned_instances <= self.provisioned_target:
            self._idle_provisioned.append(instance)
        else:  # provisioned concurrency was lowered while it served this request
            self._all.discard(instance)
            closing = asyncio.ensure_future(instance.close())
            self._closing.add(closing)
            closing.add_done_callback(self._closing.discard)

    @property
    def provisioned_instances(self) -> int:
        """Provisioned instances alive now (idle or busy)."""
        return sum(1 for i in self._all if i.provisioned)

    @property
    def provisioned_ready(self) -> int:
        """Provisioned instances initialized and idle, waiting for requests."""
        return len(self._idle_provisioned)

    async def set_provisioned(self, count: int) -> None:
        """Keep ``count`` instances initialized ahead of traffic (provisioned concurrency):
        start the missing ones (not cold starts: nobody waits for them), stop idle extras."""
        async with self._provisioning:
            self.provisioned_target = max(0, min(count, self.concurrency))
            missing = self.provisioned_target - self.provisioned_instances
            if missing > 0:
                started = await asyncio.gather(
                    *(self._start_instance(f"provisioned-{n}", provisioned=True) for n in range(missing)),
                    return_exceptions=True,
                )
                self._idle_provisioned.extend(i for i in started if isinstance(i, _Instance))
            while self.provisioned_instances > self.provisioned_target and self._idle_provisioned:
                extra = self._idle_provisioned.pop(0)
                self._all.discard(extra)
                await extra.close()

    async def _await_result(self, instance: _Instance) -> dict[str, Any]:
        while True:
            message = await instance.receive()
            if message["type"] == "log":
                self._log(instance, message["message"], message["ts"])
            elif message["type"] == "result":
                return message

    def _segment(self, invocation: Invocation, trace: TraceContext, segment_id: str, started: float) -> None:
        document: dict[str, Any] = {
            "name": self.name,
            "id": segment_id,
            "trace_id": trace.trace_id,
            "parent_id": trace.parent_id,
            "start_time": started,
            "end_time": time.time(),
            "origin": "AWS::Lambda::Function",
            "aws": {"function_arn": self.arn, "request_id": invocation.request_id, "cold_start": invocation.cold},
        }
        if invocation.outcome != "ok":
            document["fault"] = True
        self._telemetry.segment(document)

    def _record(self, invocation: Invocation) -> None:
        telemetry = self._telemetry
        telemetry.lambda_metric(self.name, "Invocations", 1, "Count")
        telemetry.lambda_metric(self.name, "Duration", invocation.duration_ms, "Milliseconds")
        telemetry.lambda_metric(self.name, "Errors", 0 if invocation.outcome == "ok" else 1, "Count")
        if invocation.init_ms is not None:
            # Lambda Insights' name for it; AWS/Lambda itself only reports it in the REPORT line.
            telemetry.metric(
                "LambdaInsights", "init_duration", invocation.init_ms, "Milliseconds", {"function_name": self.name}
            )

    async def stop(self) -> None:
        """Stop every instance (idle ones politely, busy ones at once)."""
        instances, self._all, self._idle, self._idle_provisioned = list(self._all), set(), [], []
        await asyncio.gather(*(instance.close() for instance in instances), return_exceptions=True)

    @property
    def instances(self) -> int:
        """Instances alive now."""
        return len(self._all)


class _InitFailed(Exception):
    def __init__(self, error: dict[str, Any]) -> None:
        super().__init__(error.get("errorMessage"))
        self.error = error


def _iso_now() -> str:
    now = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + f".{int(now * 1000) % 1000:03d}Z"


class LambdaService:
    """Every function of the stack, by its model name."""

    def __init__(self, runtimes: dict[str, FunctionRuntime]) -> None:
        self.functions = runtimes

    def runtime(self, function_name: str) -> FunctionRuntime:
        """The runtime of a function (model name)."""
        return self.functions[function_name]

    async def invoke(self, function_name: str, event: dict[str, Any], trace: TraceContext | None = None) -> Invocation:
        """Invoke a function by its model name."""
        return await self.functions[function_name].invoke(event, trace)

    def cold_starts(self) -> dict[str, int]:
        """Cold starts so far, per function (model name)."""
        return {name: runtime.cold_starts for name, runtime in self.functions.items()}

    async def set_provisioned(self, counts: dict[str, int]) -> None:
        """Provisioned concurrency per function (model name); functions not named get none."""
        await asyncio.gather(
            *(runtime.set_provisioned(counts.get(name, 0)) for name, runtime in self.functions.items())
        )

    async def stop(self) -> None:
        """Stop every instance of every function."""
        await asyncio.gather(*(runtime.stop() for runtime in self.functions.values()), return_exceptions=True)
