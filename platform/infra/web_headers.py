"""The response headers the web build is served with, in one place.

CloudFront's response headers policy (``infra.template.web``) and the local twin's web server
(``ops.local.web``) both build their headers here, so a browser meets the same
Content-Security-Policy, HSTS and framing rules locally as behind the distribution.
"""

from __future__ import annotations

from collections.abc import Sequence

from infra.model import WebHosting

# The app is never framed (clickjacking); frame-ancestors says it to CSP-aware browsers,
# X-Frame-Options to older ones.
FRAME_OPTION = "DENY"
# Send the origin, never the path, to other sites (paths can hold conversation ids).
REFERRER_POLICY = "strict-origin-when-cross-origin"


def content_security_policy(*, connect: Sequence[str]) -> str:
    """The CSP of the web build: its own files, plus ``connect`` (this stage's REST and
    WebSocket URLs) for fetch, XHR and WebSockets; nothing else (no third-party script,
    frame or connection).

    ``'unsafe-inline'`` is allowed for styles only: React Native Web writes its styles into a
    ``<style>`` element at run time. Scripts come from the build's own files and nothing else.
    """
    connect_src = " ".join(("'self'", *connect))
    directives = (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "media-src 'self' blob:",
        "font-src 'self' data:",
        f"connect-src {connect_src}",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
    return "; ".join(directives)


def strict_transport_security(web: WebHosting) -> str:
    """The HSTS value: ``web.hsts_max_age_s``, subdomains included."""
    return f"max-age={web.hsts_max_age_s}; includeSubDomains"


def security_headers(web: WebHosting, csp: str) -> dict[str, str]:
    """Every security header of a web answer, with ``csp`` as its Content-Security-Policy."""
    return {
        "Strict-Transport-Security": strict_transport_security(web),
        "Content-Security-Policy": csp,
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": FRAME_OPTION,
        "Referrer-Policy": REFERRER_POLICY,
    }
