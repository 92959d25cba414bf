"""The twin's stand-in for the web distribution: serves the last build ``ops deploy web``
uploaded to the twin's web bucket, on 127.0.0.1, the way CloudFront serves it in AWS.

What it keeps from the distribution: each object's stored ``Content-Type`` and
``Cache-Control``, the security headers of ``infra.web_headers`` (with a CSP naming the twin's
REST and WebSocket URLs), ``/`` answered with the index document, and the single-page app
fallback (a missing key is answered with ``/index.html`` and 200). It records the
distribution's ``AWS/CloudFront`` metrics (Requests, BytesDownloaded, 4xxErrorRate,
5xxErrorRate, TotalErrorRate; dimensions DistributionId and Region=Global), so the web alarms,
the overview's web panel and ``ops cost project`` read them as in AWS.

What it leaves out: HTTPS and its redirect, HTTP/2 and 3, compression and the edge cache (every
request reads the bucket, so nothing needs invalidating).
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlsplit

from infra.model import WebHosting
from infra.web_headers import content_security_policy, security_headers

CLOUDFRONT_NAMESPACE = "AWS/CloudFront"
NOT_DEPLOYED = b"no web build deployed yet: run `ops deploy web --dir DIR --info-file FILE`\n"

# (namespace, name, value, unit, dimensions): what the server records per request.
MetricSink = Callable[[str, str, float, str, dict[str, str]], None]


def twin_csp(rest_url: str, websocket_url: str) -> str:
    """The CSP the twin serves: the twin's REST and WebSocket origins, as the template's names
    this stage's APIs."""
    rest, ws = urlsplit(rest_url), urlsplit(websocket_url)
    return content_security_policy(connect=(f"{rest.scheme}://{rest.netloc}", f"{ws.scheme}://{ws.netloc}"))


class WebServer:
    """The web build over HTTP on an already bound socket, in a thread of its own."""

    def __init__(
        self,
        sock: socket.socket,
        s3: Any,
        bucket: str,
        web: WebHosting,
        *,
        csp: str,
        distribution_id: str,
        record: MetricSink | None = None,
    ) -> None:
        self.s3 = s3
        self.bucket = bucket
        self.web = web
        self.headers = security_headers(web, csp)
        self.distribution_id = distribution_id
        self.record = record
        server = ThreadingHTTPServer(sock.getsockname(), _handler(self), bind_and_activate=False)
        server.socket.close()
        server.socket = sock
        server.daemon_threads = True
        self._server = server
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        host, port = self._server.socket.getsockname()[:2]
        return f"http://{host}:{port}"

    def start(self) -> None:
        """Serve in a daemon thread."""
        self._thread = threading.Thread(target=self._server.serve_forever, name="web", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and close the socket."""
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()

    def fetch(self, path: str) -> tuple[int, dict[str, str], bytes]:
        """The answer to ``GET path``: status, headers, body (what the distribution would send)."""
        key = unquote(urlsplit(path).path).lstrip("/") or self.web.index_document
        found = self._object(key)
        if found is None:
            # The origin's 403/404 becomes the index document with 200 (the SPA routes).
            found = self._object(self.web.index_document)
        if found is None:
            return 404, {"Content-Type": "text/plain; charset=utf-8", **self.headers}, NOT_DEPLOYED
        body, stored = found
        headers = {**stored, **self.headers}
        return 200, headers, body

    def _object(self, key: str) -> tuple[bytes, dict[str, str]] | None:
        from botocore.exceptions import ClientError

        try:
            answer = self.s3.get_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "AccessDenied", "403"):
                return None
            raise
        stored = {"Content-Type": answer.get("ContentType") or "application/octet-stream"}
        if answer.get("CacheControl"):
            stored["Cache-Control"] = answer["CacheControl"]
        if answer.get("ETag"):
            stored["ETag"] = answer["ETag"]
        return answer["Body"].read(), stored

    def _metrics(self, status: int, sent: int) -> None:
        if self.record is None:
            return
        dims = {"DistributionId": self.distribution_id, "Region": "Global"}
        four, five = float(400 <= status < 500) * 100, float(status >= 500) * 100
        for name, value, unit in (
            ("Requests", 1.0, "None"),
            ("BytesDownloaded", float(sent), "None"),
            ("4xxErrorRate", four, "Percent"),
            ("5xxErrorRate", five, "Percent"),
            ("TotalErrorRate", max(four, five), "Percent"),
        ):
            self.record(CLOUDFRONT_NAMESPACE, name, value, unit, dims)


def _handler(server: WebServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            self._answer(with_body=True)

        def do_HEAD(self) -> None:
            self._answer(with_body=False)

        def _answer(self, *, with_body: bool) -> None:
            try:
                status, headers, body = server.fetch(self.path)
            except Exception:  # the bucket unreachable: CloudFront answers 502 then
                status, headers, body = 502, {"Content-Type": "text/plain; charset=utf-8"}, b"origin unreachable\n"
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if with_body:
                self.wfile.write(body)
            server._metrics(status, len(body) if with_body else 0)

        def log_message(self, format: str, *args: Any) -> None:
            return  # quiet, like the gateway

    return Handler
