"""Shared pieces of the request and response bodies (camelCase on the wire, as docs/api.md fixes)."""

from __future__ import annotations

import unicodedata
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

# Bidirectional controls can make a name display as something else ("Ada\u202egnp.exe");
# control characters and line separators break every list a name is shown in. Joiners
# (U+200C/U+200D) stay allowed: emoji sequences and several scripts need them.
_BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_REFUSED_CATEGORIES = frozenset({"Cc", "Cs", "Co", "Cn", "Zl", "Zp"})


def _displayable(value: str) -> str:
    for char in value:
        if char in _BIDI_CONTROLS or unicodedata.category(char) in _REFUSED_CATEGORIES:
            raise ValueError(f"must not contain control or bidirectional-override characters (found U+{ord(char):04X})")
    return value


Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80), AfterValidator(_displayable)
]
# The largest object S3 takes in one PUT (5 GiB): no file size the API handles is larger, and
# the bound keeps every size far inside the 38 digits of a DynamoDB number.
MAX_FILE_BYTES = 5 * 1024**3
FileSize = Annotated[int, Field(ge=0, le=MAX_FILE_BYTES)]
UserId = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$")]
# The shape check only; Cognito applies its own rules on sign-up and names the field if it
# refuses. (pydantic's EmailStr pulls in email-validator: 20 ms more on every cold start.)
Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
]


class _In(BaseModel):
    """Request bodies refuse unknown fields, so a typo is an error, not a silent no-op."""

    model_config = ConfigDict(extra="forbid")


class ErrorDetail(BaseModel):
    code: str
    message: str
    field: str | None = None


class ErrorOut(BaseModel):
    error: ErrorDetail
