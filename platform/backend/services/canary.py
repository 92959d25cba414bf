"""The outage canary's probes: ``GET /health`` on the REST API and a WebSocket connect, each
timed and judged the way a client would see it.

The WebSocket probe carries no token (the canary has no user): the ``$connect`` function
answering 401 proves the gateway and the function run, which is what an outage takes away.
It marks itself with ``?canary=1`` so the function does not count it as a refused client.
"""

from __future__ import annotations

import base64
import http.client
import os
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

CANARY_QUERY = "canary=1"
# 101: connected (a token would be needed); 401/403: the $connect function or the gateway
# refused the tokenless probe, so both are up. Anything else (5xx, no answer) is an outage.
WEBSOCKET_ALIVE = frozenset({101, 401, 403})


@dataclass(frozen=True)
class ProbeResult:
    """What one probe saw."""

    probe: str
    ok: bool
    latency_ms: float
    detail: str


def _timed(probe: str, started: float, ok: bool, detail: str) -> ProbeResult:
    return ProbeResult(probe, ok, (time.perf_counter() - started) * 1000, detail)


def probe_rest(base_url: str, timeout_s: float) -> ProbeResult:
    """``GET <base_url>/health``: ok on 200."""
    started = time.perf_counter()
    if not base_url.startswith(("https://", "http://")):
        return _timed("rest", started, False, "REST_API_URL is not set to an http(s) URL")
    request = urllib.request.Request(f"{base_url.rstrip('/')}/health", method="GET")  # noqa: S310 - scheme checked
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:  # noqa: S310
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        return _timed("rest", started, False, f"HTTP {error.code}")
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        return _timed("rest", started, False, f"no answer: {type(error).__name__}")
    return _timed("rest", started, status == 200, f"HTTP {status}")


def probe_websocket(url: str, timeout_s: float) -> ProbeResult:
    """A WebSocket opening handshake on ``url``: ok when the gateway and the ``$connect``
    function answer (101, 401 or 403), not when it fails (5xx) or nothing answers."""
    started = time.perf_counter()
    parts = urlsplit(url)
    if parts.scheme not in ("wss", "ws") or not parts.hostname:
        return _timed("websocket", started, False, "WEBSOCKET_URL is not set to a ws(s) URL")
    connection_type = http.client.HTTPSConnection if parts.scheme == "wss" else http.client.HTTPConnection
    connection = connection_type(parts.hostname, parts.port, timeout=timeout_s)
    query = f"{parts.query}&{CANARY_QUERY}" if parts.query else CANARY_QUERY
    headers = {
        "Upgrade": "websocket",
        "Connection": "Upgrade",
        "Sec-WebSocket-Key": base64.b64encode(os.urandom(16)).decode(),
        "Sec-WebSocket-Version": "13",
    }
    try:
        connection.request("GET", f"{parts.path or '/'}?{query}", headers=headers)
        status = connection.getresponse().status
    except (OSError, http.client.HTTPException) as error:
        return _timed("websocket", started, False, f"no answer: {type(error).__name__}")
    finally:
        connection.close()
    return _timed("websocket", started, status in WEBSOCKET_ALIVE, f"HTTP {status}")


def run(rest_url: str, websocket_url: str, timeout_s: float) -> list[ProbeResult]:
    """Both probes, REST first."""
    return [probe_rest(rest_url, timeout_s), probe_websocket(websocket_url, timeout_s)]
