"""Identifiers: sortable by creation time and unguessable (ULID: 48-bit time, 80 random bits)."""

from __future__ import annotations

import re

from ulid import ULID, ValueProvider

from backend.snapstart import after_restore

_ULID_PATTERN = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")


def new_id() -> str:
    """A new ULID string (message, conversation and upload ids)."""
    return str(ULID())


@after_restore
def fresh_provider() -> None:
    """Forget the last timestamp and randomness: copies restored from one snapshot would
    otherwise continue the same monotonic sequence and issue identical ids."""
    ULID.provider = ValueProvider()


def is_id(value: str) -> bool:
    """True when ``value`` has the shape of an id this service issues."""
    return bool(_ULID_PATTERN.match(value))
