"""Listening sockets on 127.0.0.1, bound before any server starts so that a busy port is a
clear error instead of a traceback from deep inside a server."""

from __future__ import annotations

import errno
import socket


class PortInUse(Exception):
    """The requested port is taken by another process."""

    def __init__(self, port: int, what: str) -> None:
        super().__init__(f"port {port} on 127.0.0.1 is already in use ({what}); choose another with --port")
        self.port = port


HOST = "127.0.0.1"


def bind_tcp(port: int, what: str) -> socket.socket:
    """A listening TCP socket on 127.0.0.1:``port`` (0 picks a free port)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((HOST, port))
    except OSError as error:
        sock.close()
        if error.errno in (errno.EADDRINUSE, errno.EACCES):
            raise PortInUse(port, what) from error
        raise
    sock.listen(1024)
    return sock


def bind_udp(port: int, what: str) -> socket.socket:
    """A UDP socket on 127.0.0.1:``port`` (0 picks a free port)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        sock.bind((HOST, port))
    except OSError as error:
        sock.close()
        if error.errno in (errno.EADDRINUSE, errno.EACCES):
            raise PortInUse(port, what) from error
        raise
    return sock


def port_of(sock: socket.socket) -> int:
    """The port a socket is bound to."""
    return int(sock.getsockname()[1])
