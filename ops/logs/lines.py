"""One CloudWatch Logs event of a function, made readable.

Three kinds of lines reach a function's log group:

- Powertools' structured JSON (``level``, ``message``, ``correlation_id``,
  ``function_request_id`` and the fields the code appended);
- Lambda's platform lines (``START``/``END``/``REPORT RequestId: ...``, ``INIT_REPORT``) and the
  runtime's uncaught-error and timeout lines (plain text);
- EMF documents (metrics, not messages): ``is_metrics`` tells them apart.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
# Powertools' keys that every line carries: shown apart (time, level...) or not at all.
_STANDARD_KEYS = frozenset(
    {
        "level",
        "location",
        "message",
        "timestamp",
        "service",
        "cold_start",
        "function_name",
        "function_memory_size",
        "function_arn",
        "function_request_id",
        "correlation_id",
        "xray_trace_id",
        "sampling_rate",
        "exception",
        "exception_name",
        "stack_trace",
    }
)
_PLATFORM = re.compile(r"^(START|END|REPORT) RequestId: ([0-9a-fA-F-]{8,})")
_TIMEOUT = re.compile(r"^\S+ ([0-9a-fA-F-]{36}) (Task timed out after .*)$")


@dataclass(frozen=True)
class LogLine:
    """One log event: when, which function, how severe, what it says, and its ids."""

    timestamp_ms: int
    function: str
    level: str
    message: str
    stream: str = ""
    event_id: str = ""
    correlation_id: str | None = None
    request_id: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    raw: str = ""

    @property
    def time(self) -> dt.datetime:
        """The event's time (UTC)."""
        return dt.datetime.fromtimestamp(self.timestamp_ms / 1000, dt.UTC)

    def at_least(self, level: str) -> bool:
        """Whether this line is ``level`` or more severe (platform lines count as INFO)."""
        mine = LEVELS.index(self.level) if self.level in LEVELS else LEVELS.index("INFO")
        return mine >= LEVELS.index(level)

    def as_dict(self) -> dict[str, Any]:
        """The line for programs: its parts, and the raw message as CloudWatch holds it."""
        return {
            "timestamp": self.time.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "function": self.function,
            "level": self.level,
            "message": self.message,
            "correlation_id": self.correlation_id,
            "request_id": self.request_id,
            "fields": self.fields,
            "log_stream": self.stream,
            "raw": self.raw,
        }


def is_metrics(message: str) -> bool:
    """Whether ``message`` is an EMF document (metrics that CloudWatch extracts, not a message)."""
    return message.startswith("{") and '"_aws"' in message and '"CloudWatchMetrics"' in message


def parse(event: dict[str, Any], function: str) -> LogLine:
    """A FilterLogEvents event of ``function``'s log group as a ``LogLine``."""
    raw = str(event.get("message") or "").rstrip("\n")
    base = {
        "timestamp_ms": int(event.get("timestamp") or 0),
        "function": function,
        "stream": str(event.get("logStreamName") or ""),
        "event_id": str(event.get("eventId") or ""),
        "raw": raw,
    }
    if raw.startswith("{"):
        try:
            document = json.loads(raw)
        except ValueError:
            document = None
        if isinstance(document, dict) and "level" in document:
            return _structured(document, base)
    return _text(raw, base)


def _structured(document: dict[str, Any], base: dict[str, Any]) -> LogLine:
    message = document.get("message")
    text = message if isinstance(message, str) else json.dumps(message, default=str)
    extra = {k: v for k, v in document.items() if k not in _STANDARD_KEYS}
    if document.get("exception_name"):
        extra["exception"] = f"{document['exception_name']}: {_last_line(document.get('exception'))}"
    correlation = document.get("correlation_id")
    request = document.get("function_request_id")
    return LogLine(
        level=str(document.get("level") or "INFO").upper(),
        message=text,
        correlation_id=str(correlation) if correlation else None,
        request_id=str(request) if request else None,
        fields=extra,
        **base,
    )


def _text(raw: str, base: dict[str, Any]) -> LogLine:
    first = raw.split("\n", 1)[0]
    platform = _PLATFORM.match(first)
    if platform:
        return LogLine(level="INFO", message=first.replace("\t", "  ").strip(), request_id=platform.group(2), **base)
    timeout = _TIMEOUT.match(first)
    if timeout:
        return LogLine(level="ERROR", message=timeout.group(2), request_id=timeout.group(1), **base)
    if first.startswith("[ERROR]"):
        # The runtime's uncaught error (its traceback follows on the next lines).
        return LogLine(level="ERROR", message=first.removeprefix("[ERROR]").strip(), **base)
    if first.startswith(("INIT_REPORT", "INIT_START")):
        return LogLine(level="INFO", message=first.replace("\t", "  ").strip(), **base)
    level = "WARNING" if first.startswith("[WARNING]") else "INFO"
    return LogLine(level=level, message=first, **base)


def _last_line(text: Any) -> str:
    lines = [line for line in str(text or "").splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""
