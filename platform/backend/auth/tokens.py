"""Verify a Cognito idToken: the one check behind the REST authorizer emulation and the
WebSocket ``$connect`` route, so both refuse exactly the same tokens.

Checks: RS256 signature by a key from the pool's JWKS (matched on ``kid``), ``iss``, ``aud``
(the app client), ``exp`` and ``iat``, and ``token_use == "id"``. ``alg: none`` and HMAC
tokens are refused because only RS256 is accepted.
"""

from __future__ import annotations

import time
from functools import lru_cache
from typing import Any

import jwt

from backend.errors import ServiceUnavailable, Unauthorized
from backend.settings import get_settings

_REQUIRED_CLAIMS = ["exp", "iat", "iss", "aud", "sub", "token_use"]


class TokenRefused(Unauthorized):
    """The token is missing, malformed, forged, expired or meant for someone else.

    ``reason`` is for logs only: the client always gets the same message, so a refusal tells
    an attacker nothing about which check failed.
    """

    def __init__(self, reason: str) -> None:
        super().__init__("missing, invalid or expired token")
        self.reason = reason


class KeysUnavailable(ServiceUnavailable):
    """The pool's signing keys could not be fetched: not the token's fault, so not a 401."""

    code = "auth_unavailable"


_KEY_ATTEMPTS = 3
_KEY_BACKOFF_S = 0.2


class TokenVerifier:
    """Verifies idTokens of one user pool client against the pool's published keys."""

    def __init__(
        self,
        jwks_url: str,
        issuer: str,
        audience: str,
        *,
        leeway_s: int = 0,
        keys_lifespan_s: float = 300,
        refetch_cooldown_s: float = 30,
    ) -> None:
        # The key set is cached for ``keys_lifespan_s`` only, so a key the pool withdraws stops
        # verifying within that time; PyJWT's per-kid cache (``cache_keys``) never expires and
        # stays off. A kid missing from the cached set (a rotation) fetches the set again, at
        # most once per ``refetch_cooldown_s``, so tokens naming made-up kids cannot flood the pool.
        self._keys = jwt.PyJWKClient(
            jwks_url,
            cache_keys=False,
            cache_jwk_set=True,
            lifespan=keys_lifespan_s,
            cooldown_duration=refetch_cooldown_s,
            timeout=5,
        )
        self._issuer = issuer
        self._audience = audience
        self._leeway = leeway_s

    def _signing_key(self, token: str) -> Any:
        """The key for ``token``'s kid; fetching the JWKS is retried with backoff (it is safe)."""
        for attempt in range(_KEY_ATTEMPTS):
            try:
                return self._keys.get_signing_key_from_jwt(token)
            except (jwt.PyJWKClientConnectionError, jwt.PyJWKSetError) as error:
                # unreachable, or a key set with no usable key: the pool's problem, not the token's
                if attempt == _KEY_ATTEMPTS - 1:
                    raise KeysUnavailable("cannot check tokens right now; retry shortly", retry_after=1) from error
                time.sleep(_KEY_BACKOFF_S * (2**attempt))
        raise AssertionError("unreachable")  # pragma: no cover

    def verify(self, token: str | None) -> dict[str, Any]:
        """The token's claims when it is valid; TokenRefused naming the reason otherwise, and
        KeysUnavailable when the pool's keys cannot be fetched."""
        if not token:
            raise TokenRefused("missing")
        try:
            key = self._signing_key(token)
            claims: dict[str, Any] = jwt.decode(
                token,
                key.key,
                algorithms=["RS256"],
                audience=self._audience,
                issuer=self._issuer,
                leeway=self._leeway,
                options={"require": _REQUIRED_CLAIMS},
            )
        except jwt.ExpiredSignatureError as error:
            raise TokenRefused("expired") from error
        except (jwt.PyJWKClientError, jwt.InvalidTokenError) as error:
            raise TokenRefused(type(error).__name__) from error
        if claims.get("token_use") != "id":
            raise TokenRefused("not an id token")
        return claims


@lru_cache(maxsize=1)
def get_verifier() -> TokenVerifier:
    """The verifier for the configured pool and client (its key cache lives with it)."""
    settings = get_settings()
    return TokenVerifier(
        settings.jwks, settings.issuer, settings.user_pool_client_id, keys_lifespan_s=settings.jwks_cache_s
    )


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization`` header (``Bearer <jwt>`` or a bare JWT, as the
    Cognito authorizer accepts both)."""
    if not authorization:
        return None
    scheme, _, rest = authorization.strip().partition(" ")
    if rest and scheme.lower() == "bearer":
        return rest.strip() or None
    return authorization.strip() if not rest else None
