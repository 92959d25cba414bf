"""Log events made readable: Powertools' JSON, Lambda's platform and runtime lines, EMF."""

from __future__ import annotations

import json

from ops.logs.lines import is_metrics, parse
from ops.logs.render import readable

POWERTOOLS = {
    "level": "WARNING",
    "location": "record:81",
    "message": "fan-out failures",
    "timestamp": "2026-12-03 17:01:44,123+0000",
    "service": "chat",
    "cold_start": False,
    "function_name": "chat-platform-dev-chat",
    "function_request_id": "0b8e0a43-5c3a-4d0c-9a53-2a8f0f4b2b11",
    "correlation_id": "turn-42",
    "xray_trace_id": "1-abc",
    "failed": 2,
    "targets": 5,
}


def _event(message: str, ts: int = 1_796_318_343_000) -> dict[str, object]:
    return {"timestamp": ts, "message": message, "logStreamName": "2026/12/03/[1]abc", "eventId": "e1"}


def test_a_powertools_line_keeps_its_level_ids_and_own_fields() -> None:
    line = parse(_event(json.dumps(POWERTOOLS)), "chat")
    assert (line.level, line.message, line.correlation_id) == ("WARNING", "fan-out failures", "turn-42")
    assert line.request_id == "0b8e0a43-5c3a-4d0c-9a53-2a8f0f4b2b11"
    assert line.fields == {"failed": 2, "targets": 5}  # the standard keys are not repeated
    shown = readable(line)
    assert "fan-out failures" in shown and "failed=2" in shown and "correlation_id=turn-42" in shown
    assert "xray_trace_id" not in shown


def test_lambdas_own_lines_name_the_request() -> None:
    start = parse(_event("START RequestId: 0b8e0a43-5c3a-4d0c-9a53-2a8f0f4b2b11 Version: 1"), "chat")
    assert start.request_id == "0b8e0a43-5c3a-4d0c-9a53-2a8f0f4b2b11" and start.level == "INFO"
    timeout = parse(
        _event("2026-12-03T17:01:44.123Z 0b8e0a43-5c3a-4d0c-9a53-2a8f0f4b2b11 Task timed out after 10.00 seconds"),
        "chat",
    )
    assert timeout.level == "ERROR" and timeout.message == "Task timed out after 10.00 seconds"
    crash = parse(_event("[ERROR] KeyError: 'x'\nTraceback (most recent call last):\n  File ..."), "chat")
    assert (crash.level, crash.message) == ("ERROR", "KeyError: 'x'")
    assert crash.at_least("ERROR") and not start.at_least("WARNING")


def test_emf_documents_are_metrics_not_messages() -> None:
    emf = '{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"ChatPlatform","Metrics":[]}]},"x":1}'
    assert is_metrics(emf)
    assert not is_metrics(json.dumps(POWERTOOLS))


def test_a_raw_line_is_kept_whole_for_json() -> None:
    text = json.dumps(POWERTOOLS)
    data = parse(_event(text), "chat").as_dict()
    assert data["raw"] == text and data["timestamp"].endswith("Z") and data["function"] == "chat"
