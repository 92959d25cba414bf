"""Bodies of the auth function's routes."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, StringConstraints

from backend.api.models.common import Email, Name, _In


class RegisterIn(_In):
    email: Email
    password: Annotated[str, StringConstraints(min_length=8, max_length=256)]
    name: Name


class ConfirmIn(_In):
    email: Email
    code: Annotated[str, StringConstraints(min_length=1, max_length=16)]


class LoginIn(_In):
    email: Email
    password: Annotated[str, StringConstraints(min_length=1, max_length=256)]


class RefreshIn(_In):
    refreshToken: Annotated[str, StringConstraints(min_length=1, max_length=8192)]


class HealthOut(BaseModel):
    status: Literal["ok"]


class RegisterOut(BaseModel):
    userId: str
    confirmed: bool


class LoginOut(BaseModel):
    idToken: str
    accessToken: str
    refreshToken: str
    expiresIn: int
    userId: str


class RefreshOut(BaseModel):
    idToken: str
    accessToken: str
    expiresIn: int
