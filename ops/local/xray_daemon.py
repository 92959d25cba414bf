"""A local receiver of the X-Ray daemon's UDP protocol.

The X-Ray SDK in each function instance sends segment documents to AWS_XRAY_DAEMON_ADDRESS
as datagrams of the form ``{"format": "json", "version": 1}\\n<segment JSON>``; the daemon
batches them into PutTraceSegments calls, which here go to the embedded X-Ray through the
telemetry recorder.
"""

from __future__ import annotations

import json
import socket
import threading

from ops.local.ports import bind_udp, port_of
from ops.local.telemetry import Telemetry

_MAX_DATAGRAM = 64 * 1024


class XRayDaemon:
    """Listens on 127.0.0.1:``port`` (0: a free port) until :meth:`stop`."""

    def __init__(self, telemetry: Telemetry, port: int = 0) -> None:
        self._telemetry = telemetry
        self._socket: socket.socket = bind_udp(port, "X-Ray daemon")
        self._socket.settimeout(0.2)
        self.port = port_of(self._socket)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="xray-daemon", daemon=True)
        self.received = 0
        self.rejected = 0

    @property
    def address(self) -> str:
        """The value of AWS_XRAY_DAEMON_ADDRESS."""
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        """Start receiving in a background thread."""
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                datagram = self._socket.recv(_MAX_DATAGRAM)
            except TimeoutError:
                continue
            except OSError:
                return
            self.accept(datagram)

    def accept(self, datagram: bytes) -> None:
        """Take one datagram: a header line, then one segment document."""
        header, _, body = datagram.partition(b"\n")
        try:
            meta = json.loads(header)
            document = json.loads(body)
        except ValueError:
            self.rejected += 1
            return
        if not isinstance(meta, dict) or meta.get("format") != "json" or not isinstance(document, dict):
            self.rejected += 1
            return
        self.received += 1
        self._telemetry.segment(body.decode("utf-8", "replace"))

    def stop(self) -> None:
        """Stop receiving and close the socket."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=2)
        self._socket.close()
