"""The outage canary: its probes against endpoints on 127.0.0.1 that answer as a healthy or a
broken API would, and the metrics its handler records (1 ok, 0 failed, and a latency each)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from backend.services import canary

from ops.local import emf
from tests.support.lambda_context import FakeLambdaContext


class Api:
    """``GET /health`` answers ``health``; a WebSocket upgrade on ``/ws`` answers ``upgrade``."""

    def __init__(self, health: int = 200, upgrade: int = 401) -> None:
        self.health, self.upgrade = health, upgrade
        self.paths: list[str] = []
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                api.paths.append(self.path)
                status = api.upgrade if self.headers.get("Upgrade") == "websocket" else api.health
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        port = self.server.server_port
        self.rest_url = f"http://127.0.0.1:{port}/v1"
        self.websocket_url = f"ws://127.0.0.1:{port}/ws"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def api() -> Iterator[Api]:
    server = Api()
    yield server
    server.close()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_healthy_api_passes_both_probes(api: Api) -> None:
    rest, ws = canary.run(api.rest_url, api.websocket_url, 2.0)
    assert (rest.ok, ws.ok) == (True, True)
    assert api.paths == ["/v1/health", "/ws?canary=1"]
    assert rest.latency_ms > 0 and ws.latency_ms > 0


@pytest.mark.parametrize(("health", "upgrade", "expected"), [(503, 401, (False, True)), (200, 500, (True, False))])
def test_server_errors_fail_their_probe(api: Api, health: int, upgrade: int, expected: tuple[bool, bool]) -> None:
    api.health, api.upgrade = health, upgrade
    rest, ws = canary.run(api.rest_url, api.websocket_url, 2.0)
    assert (rest.ok, ws.ok) == expected


def test_an_unreachable_or_unconfigured_api_fails() -> None:
    port = _closed_port()
    rest, ws = canary.run(f"http://127.0.0.1:{port}/v1", f"ws://127.0.0.1:{port}/ws", 1.0)
    assert (rest.ok, ws.ok) == (False, False)
    assert "no answer" in rest.detail and "no answer" in ws.detail
    rest, ws = canary.run("", "", 1.0)
    assert (rest.ok, ws.ok) == (False, False)
    assert "REST_API_URL" in rest.detail and "WEBSOCKET_URL" in ws.detail


def _metrics(out: str) -> dict[str, float]:
    return {d.name: d.value for line in out.splitlines() for d in emf.parse(line)}


def test_the_handler_records_one_result_per_probe(api: Api, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    from backend.handlers import canary as handler_module
    from backend.settings import get_settings

    api.health = 503
    monkeypatch.setenv("REST_API_URL", api.rest_url)
    monkeypatch.setenv("WEBSOCKET_URL", api.websocket_url)
    get_settings.cache_clear()
    try:
        result = handler_module.handler({"version": "0", "source": "aws.scheduler"}, FakeLambdaContext("canary"))
    finally:
        get_settings.cache_clear()
    assert result["ok"] is False
    recorded = _metrics(capsys.readouterr().out)
    assert recorded["CanaryRestSuccess"] == 0
    assert recorded["CanaryWebSocketSuccess"] == 1
    assert {"CanaryRestLatency", "CanaryWebSocketLatency"} <= set(recorded)


def test_a_warmup_ping_probes_nothing(api: Api, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    from backend.handlers import canary as handler_module

    monkeypatch.setenv("REST_API_URL", api.rest_url)
    handler_module.handler({"warmup": True}, FakeLambdaContext("canary"))
    assert api.paths == []
    assert "CanaryRestSuccess" not in _metrics(capsys.readouterr().out)
