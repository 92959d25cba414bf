"""Given a session of sign-up, login, refresh and chat, the captured logs hold no password,
token or email address, even at DEBUG level and when a request fails."""

from __future__ import annotations

import io
import logging

import pytest
from backend.observability import logger, redact

from tests.support.api import Api


@pytest.fixture
def debug_logs():
    """Everything the function logs, formatted exactly as it reaches CloudWatch, at DEBUG."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logger.registered_formatter)
    level = logger.log_level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    yield stream
    logger.setLevel(level)
    logger.removeHandler(handler)


def test_logs_contain_no_secrets(api: Api, capsys, debug_logs) -> None:
    password = "Sup3r-Secret-Pass"
    email = "hidden.person@example.com"
    api.post("/auth/register", {"email": email, "password": password, "name": "Hidden"})
    login = api.post("/auth/login", {"email": email, "password": password}).json
    api.post("/auth/login", {"email": email, "password": password + "x"})  # a failure is logged too
    refreshed = api.post("/auth/refresh", {"refreshToken": login["refreshToken"]}).json
    api.get("/me", token=login["idToken"])
    logger.info("careless line", extra={"password": password, "note": f"user {email} token {login['idToken']}"})
    output = capsys.readouterr()
    text = debug_logs.getvalue() + output.out + output.err
    assert "careless line" in text  # the logs were captured at all
    for secret in (
        password,
        email,
        login["idToken"],
        login["refreshToken"],
        login["accessToken"],
        refreshed["idToken"],
    ):
        assert secret not in text


def test_redact_handles_nested_values() -> None:
    record = {
        "message": "token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln for a@b.co",
        "extra": {"Authorization": "Bearer x", "items": [{"refreshToken": "r"}], "count": 3},
    }
    assert redact(record) == {
        "message": "token [redacted] for [redacted]",
        "extra": {"Authorization": "[redacted]", "items": [{"refreshToken": "[redacted]"}], "count": 3},
    }
