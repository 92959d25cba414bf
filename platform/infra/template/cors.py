"""The browser origins CORS allows (REST API, gateway errors, media bucket), as template values.

The web distribution's own origin (and its alternate domain when one is given) is always
allowed; ``CorsAllowOrigins`` adds more (dev defaults to localhost for the Expo dev server;
``ops deploy`` refuses local or plain-http extras on other stages, ``ops/deploy/cors.py``).
"""

from __future__ import annotations

from typing import Any

from infra.template import names
from infra.template.context import SynthContext
from infra.template.intrinsics import ref, sub


def web_origin(ctx: SynthContext) -> dict[str, Any] | None:
    """``https://<distribution domain>``, or None when the stack hosts no web build."""
    if ctx.stack.web is None:
        return None
    return sub(f"https://${{{ctx.stack.web.distribution_logical_name}.DomainName}}")


def origins(ctx: SynthContext) -> Any:
    """Every allowed origin, comma separated (the backend's ``CORS_ALLOW_ORIGINS``)."""
    first = web_origin(ctx)
    if first is None:
        return ref(names.CORS_ORIGINS_PARAMETER)
    extra = {
        "Fn::If": [names.HAS_EXTRA_CORS_ORIGINS, sub(f",${{{names.CORS_ORIGINS_PARAMETER}}}"), ""],
    }
    domain = {"Fn::If": [names.HAS_WEB_DOMAIN, sub(f",https://${{{names.WEB_DOMAIN_PARAMETER}}}"), ""]}
    return {"Fn::Join": ["", [first, domain, extra]]}


def origin_list(ctx: SynthContext) -> dict[str, Any]:
    """The allowed origins as a list (the media bucket's CORS rule)."""
    return {"Fn::Split": [",", origins(ctx)]}


def primary_origin(ctx: SynthContext) -> Any:
    """The one origin an API Gateway error answer names: the web build's, else the first extra."""
    return web_origin(ctx) or {"Fn::Select": [0, {"Fn::Split": [",", ref(names.CORS_ORIGINS_PARAMETER)]}]}
