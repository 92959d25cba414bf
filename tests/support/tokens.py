"""Mint tokens for the refusal tests: moto's own key (valid signature) or a stranger's."""

from __future__ import annotations

import time
import uuid
from typing import Any

import jwt
from backend.settings import get_settings
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from tests.support.aws import moto_private_jwk


def claims(user_id: str | None = None, **overrides: Any) -> dict[str, Any]:
    """idToken claims as Cognito issues them for the configured pool and client."""
    settings = get_settings()
    now = int(time.time())
    base: dict[str, Any] = {
        "sub": user_id or str(uuid.uuid4()),
        "aud": settings.user_pool_client_id,
        "iss": settings.issuer,
        "token_use": "id",
        "iat": now,
        "auth_time": now,
        "exp": now + 3600,
        "email": "someone@example.com",
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def signed_by_pool(payload: dict[str, Any]) -> str:
    """A token signed with the pool's real key (moto's), so only the claims can be wrong."""
    key = RSAAlgorithm.from_jwk(moto_private_jwk())
    return jwt.encode(payload, key, algorithm="RS256", headers={"kid": "dummy"})  # type: ignore[arg-type]


def forged(payload: dict[str, Any]) -> str:
    """A token with the pool's key id but signed by another key."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return jwt.encode(payload, key, algorithm="RS256", headers={"kid": "dummy"})


def unsigned(payload: dict[str, Any]) -> str:
    """An ``alg: none`` token."""
    return jwt.encode(payload, None, algorithm="none", headers={"kid": "dummy"})


def hmac_signed(payload: dict[str, Any], secret: str = "guessable") -> str:
    """An HS256 token (the classic algorithm-confusion attack)."""
    return jwt.encode(payload, secret, algorithm="HS256", headers={"kid": "dummy"})
