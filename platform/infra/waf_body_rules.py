"""The WAF's body rules, once for the template and the local twin.

AWS's core rule set blocks request bodies over 8 KB (``SizeRestrictions_BODY``) and bodies
that look like cross-site scripting (``CrossSiteScripting_BODY``). Messages and profiles are
text people write: a 4,000-character message in CJK is about 12 KB of UTF-8, and chat text
may mention ``<script>``. On the routes the stack model lists as carrying such text the two
rules only count; the API enforces its own limits there (message length, 256 KB body), and
clients render text, never HTML. Everywhere else they block, as the managed group would.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from infra.model import Stack

# What the managed rule's size check and WAF's body inspection use for API Gateway.
BODY_INSPECTION_BYTES = 8 * 1024
SIZE_LABEL = "awswaf:managed:aws:core-rule-set:SizeRestrictions_Body"
XSS_LABEL = "awswaf:managed:aws:core-rule-set:CrossSiteScripting_Body"
COUNTED_RULES = ("SizeRestrictions_BODY", "CrossSiteScripting_BODY")

# The twin's stand-in for the managed XSS detection (libinjection and signatures in AWS):
# script tags, event-handler attributes and script URLs, which is what CRS blocks in practice.
_XSS = re.compile(rb"<\s*script|javascript\s*:|\bon[a-z]+\s*=|<\s*iframe|<\s*svg[^>]*\bon", re.IGNORECASE)


def path_regex(path: str) -> str:
    """A regex for a route's URI path as WAF sees it (with or without the stage prefix)."""
    parts = [r"[^/]+" if p.startswith("{") and p.endswith("}") else re.escape(p) for p in path.strip("/").split("/")]
    return r"^(/[^/]+)?/" + "/".join(parts) + "$"


@dataclass(frozen=True)
class BodyRules:
    """Which requests the two body rules block."""

    exempt: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, stack: Stack) -> BodyRules:
        """The rules for ``stack`` (exempt routes from its REST API model)."""
        return cls(stack.rest_api.waf_body_rules_exempt)

    def blocks(self, method: str, resource: str, body: bytes) -> str | None:
        """The rule that blocks this request (``method`` on the route template ``resource``),
        or None; exempt routes are never blocked by these two rules."""
        if (method, resource) in self.exempt:
            return None
        if len(body) > BODY_INSPECTION_BYTES:
            return "SizeRestrictions_BODY"
        if _XSS.search(body[:BODY_INSPECTION_BYTES]):
            return "CrossSiteScripting_BODY"
        return None
