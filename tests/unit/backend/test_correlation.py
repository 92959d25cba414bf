"""The correlation id a caller may name (REST header, WebSocket frame field)."""

from __future__ import annotations

import json

from backend.correlation import supplied


def test_a_rest_header_names_it_whatever_its_case() -> None:
    assert supplied({"headers": {"X-Correlation-Id": "turn-42"}}) == "turn-42"
    assert supplied({"headers": {"x-correlation-id": "turn-43"}}) == "turn-43"


def test_a_frame_field_names_it_on_websocket_events_only() -> None:
    frame = json.dumps({"action": "markRead", "correlationId": "turn-44"})
    assert supplied({"requestContext": {"connectionId": "c1", "routeKey": "markRead"}, "body": frame}) == "turn-44"
    assert supplied({"requestContext": {"requestId": "r"}, "body": frame}) is None


def test_unsafe_or_missing_ids_are_ignored() -> None:
    assert supplied({"headers": {"X-Correlation-Id": "two words"}}) is None
    assert supplied({"headers": {"X-Correlation-Id": "x" * 129}}) is None
    assert supplied({"requestContext": {"connectionId": "c1"}, "body": "not json correlationId"}) is None
    assert supplied({}) is None
