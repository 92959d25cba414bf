"""The committed OpenAPI document is what the code generates, and its routes are the client
contract's (docs/api.md)."""

from __future__ import annotations

import json
from pathlib import Path

from infra import STACK

from ops.openapi import openapi_document
from tests.support.api_contract import API_MD, OPENAPI, routes_in_api_md, shape

COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"


def test_committed_document_matches_the_code() -> None:
    assert COMMITTED.exists(), "run `make openapi`"
    assert COMMITTED.read_text() == openapi_document(), "the contract changed: run `make openapi` and commit"


def test_every_modelled_route_is_documented_with_its_security() -> None:
    document = json.loads(openapi_document())
    for route, _function in STACK.rest_routes():
        operation = document["paths"][route.path][route.method.lower()]
        assert ("security" in operation) == route.authorized, route


def test_the_contracts_rest_routes_are_the_openapi_documents() -> None:
    """docs/api.md (what clients are promised) and docs/openapi.json (what the code serves) list
    the same REST routes: a route added to one and not the other is a visible failure."""
    contract = routes_in_api_md(API_MD.read_text())
    methods = {"get", "post", "put", "patch", "delete"}
    paths = json.loads(OPENAPI.read_text())["paths"]
    served = {
        (method.upper(), shape(path))
        for path, operations in paths.items()
        for method in operations
        if method in methods
    }
    assert len(contract) >= 25, "the route table of docs/api.md was not read"
    assert contract - served == set(), "in docs/api.md, not in docs/openapi.json"
    assert served - contract == set(), "in docs/openapi.json, not in docs/api.md"
