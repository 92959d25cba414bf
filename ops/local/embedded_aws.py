"""The embedded AWS: moto's server in a child process on 127.0.0.1."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from ops.local.faults import ENV_VAR
from ops.local.ports import bind_tcp, port_of

STARTUP_TIMEOUT_S = 30.0


class EmbeddedAwsError(RuntimeError):
    """moto's server did not start."""


class EmbeddedAws:
    """moto's server, started on ``port`` (0: a free one) and stopped with :meth:`stop`."""

    def __init__(self, port: int = 0, log_file: Path | None = None, faults_file: Path | None = None) -> None:
        self._requested_port = port
        self._log_file = log_file
        self._faults_file = faults_file
        self._process: subprocess.Popen[bytes] | None = None
        self.port = 0

    @property
    def pid(self) -> int | None:
        """The server process's id while it runs (for profilers and CPU accounting)."""
        return self._process.pid if self._process is not None else None

    @property
    def endpoint_url(self) -> str:
        """Where boto3 clients point (``AWS_ENDPOINT_URL``)."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Bind the port (PortInUse when taken), start the server and wait until it answers."""
        sock = bind_tcp(self._requested_port, "embedded AWS")
        self.port = port_of(sock)
        log: Any = open(self._log_file, "ab") if self._log_file else subprocess.DEVNULL  # noqa: SIM115
        try:
            self._process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
                [sys.executable, "-m", "ops.local.moto_main", str(sock.fileno())],
                pass_fds=(sock.fileno(),),
                stdin=subprocess.PIPE,  # closed by stop() or by our death: the server then exits
                stdout=log,
                stderr=log,
                start_new_session=True,  # Ctrl-C goes to us; we stop the server ourselves
                env=self._environment(),
            )
        finally:
            sock.close()
            if log is not subprocess.DEVNULL:
                log.close()
        self._wait_ready()

    def _environment(self) -> dict[str, str]:
        env = dict(os.environ)
        if self._faults_file is not None:
            env[ENV_VAR] = str(self._faults_file)  # injected faults (ops.local.faults)
        return env

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        url = f"{self.endpoint_url}/moto-api/"
        while time.monotonic() < deadline:
            assert self._process is not None
            if self._process.poll() is not None:
                raise EmbeddedAwsError(f"moto's server exited at start (code {self._process.returncode})")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - http to 127.0.0.1
                    response.read()
                return
            except urllib.error.HTTPError:
                return  # it answered, which is all we need
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.05)
        self.stop()
        raise EmbeddedAwsError(f"moto's server did not answer within {STARTUP_TIMEOUT_S:.0f} s")

    def stop(self) -> None:
        """Stop the server (terminate, then kill after a grace period)."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        if process.stdin is not None:
            process.stdin.close()
        try:
            process.wait(timeout=3)
            return
        except subprocess.TimeoutExpired:
            process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
