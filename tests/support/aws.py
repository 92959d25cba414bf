"""The stack's resources in moto (in-process), provisioned from the stack model."""

from __future__ import annotations

import gzip
import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import boto3
import moto
from backend.auth.tokens import get_verifier
from backend.services.accounts import cognito_client
from backend.services.uploads import s3_client
from backend.settings import get_settings
from backend.store.table import dynamodb_client, get_table
from infra import STACK
from infra.provision import ProvisionedResources, provision
from moto import mock_aws

MOTO_RESOURCES = Path(moto.__file__).parent / "cognitoidp" / "resources"


def moto_private_jwk() -> dict[str, Any]:
    """The RSA key moto signs every pool's tokens with (to mint tokens in tests)."""
    return json.loads(gzip.decompress((MOTO_RESOURCES / "jwks-private.json.gz").read_bytes()))


def public_jwks() -> bytes:
    """moto's public JWKS document."""
    return gzip.decompress((MOTO_RESOURCES / "jwks-public.json.gz").read_bytes())


@contextmanager
def jwks_server() -> Iterator[str]:
    """Serve moto's public JWKS on 127.0.0.1 (in-process moto serves no HTTP) and yield its URL.

    PyJWT fetches keys over http(s) only, as a verifier should.
    """
    document = public_jwks()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(document)))
            self.end_headers()
            self.wfile.write(document)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/.well-known/jwks.json"
    finally:
        server.shutdown()
        server.server_close()


def clear_caches() -> None:
    """Forget cached settings and clients so the next use reads the current environment."""
    for cached in (get_settings, dynamodb_client, get_table, cognito_client, s3_client, get_verifier):
        cached.cache_clear()


@contextmanager
def mocked_stack(jwks_url: str, **settings: str) -> Iterator[ProvisionedResources]:
    """moto with the stack's table, bucket and pool; the backend configured to use them."""
    with mock_aws():
        resources = provision(boto3.Session(region_name="us-east-1"), STACK, prefix="test")
        env = {
            "TABLE_NAME": resources.table_name,
            "BUCKET_NAME": resources.bucket_name,
            "USER_POOL_ID": resources.user_pool_id,
            "USER_POOL_CLIENT_ID": resources.user_pool_client_id,
            "JWKS_URL": jwks_url,
            **settings,
        }
        saved = {k: os.environ.get(k) for k in env}
        os.environ.update(env)
        clear_caches()
        try:
            yield resources
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
            clear_caches()
