"""Signing keys are not cached forever: a key removed from the pool's JWKS stops verifying
once the cached key set expires, and a token signed with a key the cache has not seen yet
(a rotation) makes the verifier fetch the set again (at most once per cool-down)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from backend.auth.tokens import TokenRefused, TokenVerifier
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

ISSUER, AUDIENCE = "https://issuer.example", "client-1"


class Pool:
    """A JWKS endpoint whose keys a test can rotate."""

    def __init__(self) -> None:
        self.private: dict[str, Any] = {}
        self.published: list[str] = []
        self.fetches = 0

    def add(self, kid: str) -> None:
        self.private[kid] = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.published.append(kid)

    def document(self) -> bytes:
        keys = []
        for kid in self.published:
            jwk = json.loads(RSAAlgorithm.to_jwk(self.private[kid].public_key()))
            keys.append({**jwk, "kid": kid, "alg": "RS256", "use": "sig"})
        return json.dumps({"keys": keys}).encode()

    def token(self, kid: str) -> str:
        now = int(time.time())
        claims = {"sub": "u1", "iss": ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + 600, "token_use": "id"}
        return jwt.encode(claims, self.private[kid], algorithm="RS256", headers={"kid": kid})


@pytest.fixture
def pool() -> Iterator[tuple[Pool, str]]:
    state = Pool()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.fetches += 1
            body = state.document()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield state, f"http://127.0.0.1:{server.server_port}/jwks.json"
    finally:
        server.shutdown()
        server.server_close()


def test_a_removed_key_stops_verifying_when_the_cache_expires(pool) -> None:
    state, url = pool
    state.add("old")
    verifier = TokenVerifier(url, ISSUER, AUDIENCE, keys_lifespan_s=1, refetch_cooldown_s=0.5)
    token = state.token("old")
    assert verifier.verify(token)["sub"] == "u1"
    state.add("new")
    state.published.remove("old")  # the pool withdraws the old key
    time.sleep(1.2)
    with pytest.raises(TokenRefused):
        verifier.verify(token)


def test_an_unknown_kid_fetches_the_set_again_once_per_cooldown(pool) -> None:
    state, url = pool
    state.add("a")
    verifier = TokenVerifier(url, ISSUER, AUDIENCE, keys_lifespan_s=300, refetch_cooldown_s=0.5)
    assert verifier.verify(state.token("a"))
    time.sleep(0.6)
    state.add("b")  # rotation: a new key is published
    assert verifier.verify(state.token("b"))["sub"] == "u1"
    fetches = state.fetches
    # a flood of tokens naming unknown keys costs at most one fetch per cool-down
    bogus = jwt.encode({"sub": "x"}, state.private["a"], algorithm="RS256", headers={"kid": "nope"})
    for _ in range(20):
        with pytest.raises(TokenRefused):
            verifier.verify(bogus)
    assert state.fetches - fetches <= 1


def test_the_configured_verifier_bounds_its_cache() -> None:
    from backend.settings import Settings

    settings = Settings()
    assert 0 < settings.jwks_cache_s <= 3600
