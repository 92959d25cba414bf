"""The local twin: the embedded AWS, the stack provisioned into it, the Lambda runtime, the
telemetry recorder, the X-Ray daemon, the local API Gateway, the alarms (evaluated every
minute, notifying through SNS and the notifier into a local outbox), the scheduled functions
and the fault board, started and stopped as one, on one clock (``clock_speed``)."""

from __future__ import annotations

import asyncio
import json
import logging
import tempfile
import threading
import time
from collections.abc import Coroutine
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import uvicorn
from backend.auth.tokens import TokenVerifier
from backend.settings import Settings
from infra import STACK
from infra.model import Stack

from alarms.evaluator import ScaledClock
from kit.target import twin_target
from ops.local import names
from ops.local.alarm_service import TwinAlarms, subscribers
from ops.local.authorizer import CognitoAuthorizer
from ops.local.embedded_aws import EmbeddedAws
from ops.local.environment import Endpoints, function_environment
from ops.local.faults import FaultBoard, write_faults
from ops.local.gateway import MAX_WS_MESSAGE, Gateway
from ops.local.gc_freezer import SurvivorFreezer
from ops.local.outbox import Outbox
from ops.local.ports import bind_tcp, port_of
from ops.local.provisioned import ProvisionedConcurrency
from ops.local.provisioning import LocalResources, client, provision_local
from ops.local.runtime import FunctionRuntime, Invocation, LambdaService
from ops.local.scheduler import Scheduler
from ops.local.telemetry import Telemetry
from ops.local.xray_daemon import XRayDaemon

T = TypeVar("T")


class _DeniedHandshakeFilter(logging.Filter):
    """uvicorn's sans-I/O WebSocket protocol logs an error after a handshake that the app
    refused with a denial response (the refusal itself is sent correctly); a refused
    ``$connect`` is normal here, so that one message is dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "returned without completing handshake" not in record.getMessage()


logging.getLogger("uvicorn.error").addFilter(_DeniedHandshakeFilter())

DEFAULT_PORT = 3000
DEFAULT_CONCURRENCY = 10
DEFAULT_CORS_ORIGINS = "http://localhost:8081,http://localhost:19006"
_START_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class TwinConfig:
    """How to run the twin. Port 0 means "any free port"."""

    port: int = DEFAULT_PORT
    aws_port: int = 0
    xray_port: int = 0
    concurrency: int = DEFAULT_CONCURRENCY
    cors_origins: str = DEFAULT_CORS_ORIGINS
    trace_sample_rate: float = 1.0
    flush_interval_s: float = 1.0
    stack: Stack = STACK
    # Extra import roots for the instances (tests add handlers of their own).
    python_path: tuple[str, ...] = ()
    moto_log: Path | None = None
    # How fast the twin's clock runs (60: a minute of alarms and schedules per second).
    clock_speed: float = 1.0
    # Deploy and evaluate the stage's alarms (thresholds of ``alarm_stage``).
    alarms: bool = True
    alarm_stage: str = "dev"
    # Where the outbox and the faults file live (default: a new temporary folder).
    state_dir: Path | None = None
    # How often the twin reads the provisioned concurrency `ops warmup apply` stored.
    provisioned_poll_s: float = 1.0


@dataclass(frozen=True)
class TwinInfo:
    """Where everything is; printed by ``ops local up`` and written to ``--info-file``."""

    rest_url: str
    websocket_url: str
    aws_endpoint_url: str
    user_pool_id: str
    user_pool_client_id: str
    management_url: str
    xray_daemon_address: str
    table_name: str
    bucket_name: str
    alarm_topic_arn: str
    rest_api_name: str
    websocket_api_id: str
    stage: str
    functions: dict[str, str] = field(default_factory=dict)
    log_groups: dict[str, str] = field(default_factory=dict)
    notifications_outbox: str = ""
    faults_file: str = ""
    clock_speed: float = 1.0
    clock_origin: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready copy."""
        return asdict(self)

    def to_json(self) -> str:
        """Indented JSON."""
        return json.dumps(self.as_dict(), indent=2) + "\n"


class TwinError(RuntimeError):
    """The twin could not start."""


class Twin:
    """The whole platform on 127.0.0.1. Use as a context manager or call start()/stop()."""

    def __init__(self, config: TwinConfig | None = None) -> None:
        self.config = config or TwinConfig()
        self.stack = self.config.stack
        self.aws: EmbeddedAws | None = None
        self._freezer: SurvivorFreezer | None = None
        self.telemetry: Telemetry | None = None
        self.xray: XRayDaemon | None = None
        self.lambdas: LambdaService | None = None
        self.gateway: Gateway | None = None
        self.resources: LocalResources | None = None
        self.provisioned: ProvisionedConcurrency | None = None
        self._info: TwinInfo | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: uvicorn.Server | None = None
        self._stopping: asyncio.Event | None = None
        self._failure: BaseException | None = None
        self.clock = ScaledClock(self.config.clock_speed)
        self.faults: FaultBoard | None = None
        self.outbox: Outbox | None = None
        self.alarms: TwinAlarms | None = None
        self.scheduler: Scheduler | None = None

    @property
    def info(self) -> TwinInfo:
        """Where everything is (after start)."""
        if self._info is None:
            raise TwinError("the twin is not started")
        return self._info

    def __enter__(self) -> Twin:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> TwinInfo:
        """Start everything; PortInUse for a busy port, TwinError for other failures. Anything
        started before a failure is stopped again."""
        try:
            return self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self) -> TwinInfo:
        config = self.config
        gateway_socket = bind_tcp(config.port, "API gateway")
        port = port_of(gateway_socket)
        gateway_url = f"http://127.0.0.1:{port}"
        self._freezer = SurvivorFreezer()
        self._freezer.start()  # the gateway's collector pauses stay short (ops.local.gc_freezer)
        state_dir = config.state_dir or Path(tempfile.mkdtemp(prefix="chat-twin-"))
        faults_file = state_dir / "faults.json"
        write_faults(faults_file, [])
        self.faults = FaultBoard(faults_file)
        try:
            self.aws = EmbeddedAws(config.aws_port, log_file=config.moto_log, faults_file=faults_file)
            self.aws.start()
            self.resources = provision_local(self.aws.endpoint_url, self.stack)
            self.outbox = Outbox(state_dir / "notifications.jsonl")
            self.outbox.start()
            self._email_topic(self.resources.alarm_topic_arn, self.outbox.url)
            self.telemetry = Telemetry(self.aws.endpoint_url, config.flush_interval_s, clock=self.clock)
            self.telemetry.start()
            self.xray = XRayDaemon(self.telemetry, config.xray_port)
            self.xray.start()
        except BaseException:
            gateway_socket.close()
            raise
        endpoints = Endpoints(
            aws_endpoint_url=self.aws.endpoint_url,
            gateway_url=gateway_url,
            xray_daemon_address=self.xray.address,
            cors_allow_origins=config.cors_origins,
        )
        self.lambdas = LambdaService(
            {
                function.name: FunctionRuntime(
                    self.stack,
                    function,
                    self._environment(function, endpoints),
                    config.concurrency,
                    self.telemetry,
                    config.python_path,
                    self.faults,
                )
                for function in self.stack.functions
            }
        )
        self.provisioned = ProvisionedConcurrency(
            self.aws.endpoint_url, self.stack, self.lambdas, config.provisioned_poll_s
        )
        resources = self.resources
        verifier = TokenVerifier(
            f"{self.aws.endpoint_url}/{resources.user_pool_id}/.well-known/jwks.json",
            f"https://cognito-idp.{names.REGION}.amazonaws.com/{resources.user_pool_id}",
            resources.user_pool_client_id,
            keys_lifespan_s=self._keys_lifespan_s(),
        )
        self.gateway = Gateway(
            self.stack,
            self.lambdas,
            CognitoAuthorizer(self.stack, verifier),
            self.telemetry,
            cors_origins=[o.strip() for o in config.cors_origins.split(",") if o.strip()],
            trace_sample_rate=config.trace_sample_rate,
            faults=self.faults,
        )
        self._serve(gateway_socket)
        self._info = TwinInfo(
            rest_url=gateway_url,
            websocket_url=f"ws://127.0.0.1:{port}/ws",
            aws_endpoint_url=self.aws.endpoint_url,
            user_pool_id=resources.user_pool_id,
            user_pool_client_id=resources.user_pool_client_id,
            management_url=gateway_url,
            xray_daemon_address=self.xray.address,
            table_name=resources.table_name,
            bucket_name=resources.bucket_name,
            alarm_topic_arn=resources.alarm_topic_arn,
            rest_api_name=names.rest_api_name(self.stack),
            websocket_api_id=names.websocket_api_id(self.stack),
            stage=self.stack.rest_api.stage,
            functions={f.name: names.function_name(self.stack, f) for f in self.stack.functions},
            log_groups=dict(resources.log_groups),
            notifications_outbox=str(self.outbox.path),
            faults_file=str(faults_file),
            clock_speed=self.clock.speed,
            clock_origin=self.clock.origin,
        )
        if config.alarms:
            self._start_alarms(self._info)
        self.scheduler = Scheduler(
            self.stack,
            self.clock,
            self._invoke_later,
            lambda name: names.function_arn(self.stack, self.stack.function(name)),
        )
        self.scheduler.start()
        return self._info

    def _email_topic(self, alarm_topic_arn: str, outbox_url: str) -> None:
        """The notifier's email topic (``<alarm topic>-email``), its subscriber the outbox."""
        assert self.aws is not None
        sns = client(self.aws.endpoint_url, "sns")
        topic = sns.create_topic(Name=alarm_topic_arn.rsplit(":", 1)[-1] + "-email")
        sns.subscribe(TopicArn=topic["TopicArn"], Protocol="http", Endpoint=f"{outbox_url}/email")

    def _keys_lifespan_s(self) -> int:
        """How long the signing keys stay cached, in wall seconds. Code in the twin waits in
        wall time while its alarms count twin minutes: at a fast clock the cache is cut by the
        clock's speed, so keys withdrawn (or unreachable) show within the same twin minutes as
        in AWS."""
        default = int(Settings.model_fields["jwks_cache_s"].default)
        return max(1, round(default / self.clock.speed))

    def _environment(self, function: Any, endpoints: Endpoints) -> dict[str, str]:
        assert self.resources is not None
        env = function_environment(self.stack, function, self.resources, endpoints)
        if self.clock.speed != 1.0:
            env.setdefault("JWKS_CACHE_SECONDS", str(self._keys_lifespan_s()))
        if function.schedule:
            # A scheduled function runs without a caller: the canary probes the public endpoints.
            env["REST_API_URL"] = endpoints.gateway_url
            env["WEBSOCKET_URL"] = endpoints.gateway_url.replace("http://", "ws://", 1) + "/ws"
        if function.handler.endswith("notifier.handler") and self.outbox is not None:
            # The on-call webhook is the outbox (email goes through the email topic's subscriber).
            env["NOTIFIER_WEBHOOK_URL"] = f"{self.outbox.url}/webhook"
        return env

    def _start_alarms(self, info: TwinInfo) -> None:
        assert self.aws is not None
        assert self.telemetry is not None
        endpoint = self.aws.endpoint_url
        target = twin_target(
            self.stack, info.as_dict(), stage=self.config.alarm_stage, region=names.REGION, account_id=names.ACCOUNT_ID
        )
        clients: dict[str, Any] = {}

        def aws_client(service: str) -> Any:
            if service not in clients:
                clients[service] = client(endpoint, service)
            return clients[service]

        self.alarms = TwinAlarms(
            self.stack,
            target,
            self.config.alarm_stage,
            aws_client,
            self.telemetry.recorded,
            self.clock,
            lambda function, event: self.invoke(function, event),
            subscribers(self.stack),
        )
        self.alarms.deploy()
        self.alarms.start()

    def _invoke_later(self, function: str, event: dict[str, Any]) -> None:
        if self._loop is None or self.lambdas is None:
            return
        asyncio.run_coroutine_threadsafe(self.lambdas.invoke(function, event), self._loop)

    def _serve(self, sock: Any) -> None:
        assert self.gateway is not None
        config = uvicorn.Config(
            self.gateway.app,
            log_level="warning",
            access_log=False,
            lifespan="off",
            ws="websockets-sansio",
            ws_max_size=MAX_WS_MESSAGE,
            ws_per_message_deflate=False,
            timeout_graceful_shutdown=3,
        )
        self._server = uvicorn.Server(config)
        loop = asyncio.new_event_loop()
        self._loop = loop
        ready = threading.Event()

        async def main() -> None:
            self._stopping = asyncio.Event()
            assert self._server is not None
            serving = asyncio.create_task(self._server.serve(sockets=[sock]))
            assert self.provisioned is not None
            provisioning = asyncio.create_task(self.provisioned.run())
            ready.set()
            stop_wait = asyncio.create_task(self._stopping.wait())
            await asyncio.wait({serving, stop_wait}, return_when=asyncio.FIRST_COMPLETED)
            provisioning.cancel()
            await asyncio.gather(provisioning, return_exceptions=True)
            assert self.gateway is not None
            assert self.lambdas is not None
            await self.gateway.shutdown()
            self._server.should_exit = True
            await serving
            stop_wait.cancel()
            await self.lambdas.stop()

        def run() -> None:
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(main())
            except BaseException as error:
                self._failure = error
            finally:
                sock.close()
                loop.close()
                ready.set()

        self._thread = threading.Thread(target=run, name="gateway", daemon=True)
        self._thread.start()
        ready.wait(_START_TIMEOUT_S)
        deadline = time.monotonic() + _START_TIMEOUT_S
        while not self._server.started and time.monotonic() < deadline:
            if self._failure is not None or not self._thread.is_alive():
                raise TwinError(f"the API gateway did not start: {self._failure}")
            time.sleep(0.01)
        if not self._server.started:
            raise TwinError("the API gateway did not start in time")

    def run(self, coroutine: Coroutine[Any, Any, T], timeout: float | None = 60) -> T:
        """Run ``coroutine`` on the gateway's event loop (from any other thread)."""
        if self._loop is None:
            raise TwinError("the twin is not started")
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)

    def invoke(self, function: str, event: dict[str, Any]) -> Invocation:
        """Invoke a function (model name) directly, as ``lambda invoke`` would."""
        assert self.lambdas is not None
        return self.run(self.lambdas.invoke(function, event))

    def sync_provisioned(self) -> dict[str, int]:
        """Apply the stored provisioned concurrency now (instead of at the next poll); returns
        the provisioned environments per function (model name)."""
        assert self.provisioned is not None
        return self.run(self.provisioned.sync())

    def flush(self) -> None:
        """Send every buffered metric, log event and segment to the embedded AWS now."""
        if self.telemetry is not None:
            self.telemetry.flush()

    def stop(self) -> None:
        """Stop everything that was started (safe to call more than once)."""
        if self.alarms is not None:
            self.alarms.stop()
            self.alarms = None
        if self.scheduler is not None:
            self.scheduler.stop()
            self.scheduler = None
        loop, thread = self._loop, self._thread
        if loop is not None and thread is not None and thread.is_alive():
            stopping = self._stopping
            if stopping is not None:
                loop.call_soon_threadsafe(stopping.set)
            thread.join(timeout=20)
        self._loop = self._thread = None
        if self._freezer is not None:
            self._freezer.stop()
            self._freezer = None
        if self.xray is not None:
            self.xray.stop()
            self.xray = None
        if self.telemetry is not None:
            self.telemetry.stop()
        if self.outbox is not None:
            self.outbox.stop()
        if self.aws is not None:
            self.aws.stop()
            self.aws = None
