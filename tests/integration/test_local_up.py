"""`ops local up` as a user runs it: info file, busy port, Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.support.twin import ROOT

OPS = [sys.executable, "-m", "ops.cli"]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def test_up_writes_the_info_file_serves_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    info_file = tmp_path / "twin" / "info.json"
    process = subprocess.Popen(
        [*OPS, "local", "up", "--port", "0", "--info-file", str(info_file), "--duration", "60"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
        cwd=ROOT,
    )
    try:
        deadline = time.monotonic() + 30
        while not info_file.exists() and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.1)
        info = json.loads(info_file.read_text())
        assert {"rest_url", "websocket_url", "aws_endpoint_url", "user_pool_id", "user_pool_client_id"} <= set(info)
        assert info["rest_url"].startswith("http://127.0.0.1:")
        assert info["websocket_url"].startswith("ws://127.0.0.1:") and info["websocket_url"].endswith("/ws")
        assert httpx.get(info["rest_url"] + "/health", timeout=10).status_code == 200
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, err
    assert "Traceback" not in err
    assert info["rest_url"] in out and "stopped" in out
    assert not info_file.exists()
    # nothing it started is left listening
    for url in (info["rest_url"], info["aws_endpoint_url"]):
        try:
            httpx.get(url, timeout=2)
        except httpx.ConnectError:
            continue
        raise AssertionError(f"{url} still answers after the twin stopped")


def test_a_busy_port_is_a_clear_error_not_a_traceback() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [*OPS, "local", "up", "--port", str(port), "--duration", "1"],
            capture_output=True,
            text=True,
            env=_env(),
            cwd=ROOT,
            timeout=60,
            check=False,
        )
    assert result.returncode == 2
    assert f"port {port} on 127.0.0.1 is already in use" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_bad_option_is_a_usage_error() -> None:
    result = subprocess.run(
        [*OPS, "local", "up", "--port", "70000"],
        capture_output=True,
        text=True,
        env=_env(),
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
