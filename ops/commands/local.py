"""`ops local`: the whole platform on this machine (no AWS account needed)."""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ops.commands import faults
from ops.conventions import BadInput, Failed, InfoFileOption, ops_app

if TYPE_CHECKING:
    from ops.local.twin import Twin, TwinConfig

# The twin's defaults (ops.local.twin), repeated so that `ops local --help` need not import the
# twin; a test checks they agree.
DEFAULT_PORT = 3000
DEFAULT_CONCURRENCY = 10
DEFAULT_CORS_ORIGINS = "http://localhost:8081,http://localhost:19006"

app = ops_app("The local twin: moto as the embedded AWS plus a local API Gateway.")
app.add_typer(faults.app, name="fault")

Port = Annotated[
    int, typer.Option("--port", "-p", min=0, max=65535, help="Port of the API gateway (0: any free port).")
]


def start_twin(config: TwinConfig) -> Twin:
    """Start a twin, turning the failures a user can cause into clear one-line errors."""
    from ops.local.embedded_aws import EmbeddedAwsError
    from ops.local.ports import PortInUse
    from ops.local.twin import Twin, TwinError

    twin = Twin(config)
    try:
        twin.start()
    except PortInUse as error:
        raise BadInput(str(error)) from None
    except (TwinError, EmbeddedAwsError) as error:
        raise Failed(f"the local twin could not start: {error}") from None
    return twin


def write_info(path: Path, text: str) -> None:
    """Write the info file, creating its folder; a clear error when that is impossible."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    except OSError as error:
        raise BadInput(f"cannot write {path}: {error.strerror or error} (check --info-file)") from None


@app.command("up")
def up(
    port: Port = DEFAULT_PORT,
    aws_port: Annotated[
        int, typer.Option("--aws-port", min=0, max=65535, help="Port of the embedded AWS (0: any free port).")
    ] = 0,
    info_file: InfoFileOption = None,
    concurrency: Annotated[
        int, typer.Option("--concurrency", min=1, max=100, help="Concurrency limit of each function.")
    ] = DEFAULT_CONCURRENCY,
    cors_origins: Annotated[
        str, typer.Option("--cors-origins", help="Browser origins allowed by CORS, comma separated.")
    ] = DEFAULT_CORS_ORIGINS,
    trace_sample_rate: Annotated[
        float, typer.Option("--trace-sample-rate", min=0.0, max=1.0, help="Share of requests traced in X-Ray.")
    ] = 1.0,
    duration: Annotated[
        float | None, typer.Option("--duration", min=0.0, help="Stop by itself after this many seconds.")
    ] = None,
    clock_speed: Annotated[
        float,
        typer.Option(
            "--clock-speed",
            min=0.1,
            max=600.0,
            help="Run the twin's clock this many times faster (alarm minutes, schedules, metric times).",
        ),
    ] = 1.0,
    no_alarms: Annotated[bool, typer.Option("--no-alarms", help="Do not deploy and evaluate the alarms.")] = False,
) -> None:
    """Start the twin in the foreground and serve until Ctrl-C.

    Prints (and writes to --info-file as JSON) rest_url, websocket_url, aws_endpoint_url,
    user_pool_id, user_pool_client_id and notifications_outbox (alarm notifications, one JSON
    line each). The alarms are evaluated every minute of the twin's clock; `ops local fault`
    breaks the twin on purpose.
    """
    from ops.local.twin import TwinConfig

    config = TwinConfig(
        port=port,
        aws_port=aws_port,
        concurrency=concurrency,
        cors_origins=cors_origins,
        trace_sample_rate=trace_sample_rate,
        clock_speed=clock_speed,
        alarms=not no_alarms,
    )
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    twin: Twin | None = None
    try:
        typer.echo("starting the local twin...")
        twin = start_twin(config)
        info = twin.info
        if info_file is not None:
            write_info(info_file, info.to_json())
        for key in (
            "rest_url",
            "websocket_url",
            "aws_endpoint_url",
            "user_pool_id",
            "user_pool_client_id",
            "notifications_outbox",
        ):
            typer.echo(f"{key:<20} {getattr(info, key)}")
        if info_file is not None:
            typer.echo(f"{'info_file':<20} {info_file}")
        if twin.alarms is not None:
            typer.echo(f"{'alarms':<20} {len(twin.alarms.alarm_set)} evaluated every minute (clock x{clock_speed:g})")
        typer.echo("serving; press Ctrl-C to stop")
        started = time.monotonic()
        while not stop.wait(0.5):
            if duration is not None and time.monotonic() - started >= duration:
                break
    except KeyboardInterrupt:  # Ctrl-C before our handler was in place
        pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if twin is not None:
            typer.echo("stopping...")
            twin.stop()
            if info_file is not None:
                info_file.unlink(missing_ok=True)
            typer.echo("stopped")
