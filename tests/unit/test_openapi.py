"""The committed OpenAPI document is what the code generates, and it covers API.md's routes."""

from __future__ import annotations

import json
from pathlib import Path

from infra import STACK

from ops.openapi import openapi_document

COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"


def test_committed_document_matches_the_code() -> None:
    assert COMMITTED.exists(), "run `make openapi`"
    assert COMMITTED.read_text() == openapi_document(), "the contract changed: run `make openapi` and commit"


def test_every_modelled_route_is_documented_with_its_security() -> None:
    document = json.loads(openapi_document())
    for route, _function in STACK.rest_routes():
        operation = document["paths"][route.path][route.method.lower()]
        assert ("security" in operation) == route.authorized, route
