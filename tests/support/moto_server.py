"""moto's server on 127.0.0.1 (a free port), for tests that talk HTTP like a real client."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from contextlib import contextmanager

import boto3
from botocore.config import Config
from moto.server import ThreadedMotoServer

# moto answers unimplemented actions with HTTP 500, which boto3 would retry: fail fast.
FAIL_FAST = Config(retries={"max_attempts": 1}, connect_timeout=5, read_timeout=30)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def moto_server() -> Iterator[str]:
    """Start moto's server and yield its URL; stopped on exit."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def client(service: str, endpoint: str) -> object:
    """A fail-fast boto3 client for ``service`` at ``endpoint``."""
    return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1", config=FAIL_FAST)
