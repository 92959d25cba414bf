"""The twin's notification outbox: where webhook and email deliveries land.

A small HTTP server on 127.0.0.1 stands in for the on-call channels: the notifier's webhook
URL points at ``/webhook`` (Slack-compatible JSON), and the email topic's subscription at
``/email`` (what SNS POSTs to an HTTP subscriber). Each delivery becomes one JSON line in the
outbox file: ``channel``, ``alarm``, ``state``, ``subject``, ``text``, ``time``.

The email topic's subscribers stand for people's email addresses, and three kinds of message
reach them, told apart by ``channel``:

- ``email``: the notifier's readable message;
- ``sns-email``: CloudWatch's own alarm message, for the alarms about the alarm path, which
  notify the email topic directly; rendered as SNS's email of an alarm is (details, reason
  with its datapoints, threshold, the description with its runbook link);
- ``lambda-on-failure``: the notifier's on-failure destination, the invocation record of an
  alarm the notifier could not deliver (raw JSON, as Lambda publishes it).
"""

from __future__ import annotations

import html
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

_ALARM_LINE = re.compile(r"_Alarm: (.+)_\s*$", re.MULTILINE)
_EMAIL_ALARM = re.compile(r"^Alarm: (.+)$", re.MULTILINE)
_SUBJECT_STATE = re.compile(r"^\[(ALARM|OK|INSUFFICIENT_DATA|INSUFFICIENT DATA)\]")


def _state_of(words: str) -> str:
    words = words.upper()
    if words.startswith("OK"):
        return "OK"
    if words.startswith("INSUFFICIENT"):
        return "INSUFFICIENT_DATA"
    return "ALARM" if "ALARM" in words else words


def webhook_delivery(payload: dict[str, Any]) -> dict[str, Any]:
    """The outbox line of one webhook POST (Slack-compatible payload)."""
    text = str(payload.get("text") or "")
    header = next(
        (b.get("text", {}).get("text", "") for b in payload.get("blocks") or [] if b.get("type") == "header"), ""
    )
    parts = [p.strip() for p in str(header).split("\u00b7")]
    found = _ALARM_LINE.search(text)
    return {
        "channel": "webhook",
        "alarm": html.unescape(found.group(1)) if found else "",
        "state": _state_of(parts[1]) if len(parts) > 1 else "",
        "subject": header,
        "text": text,
    }


def _json_object(text: str) -> dict[str, Any] | None:
    if not text.startswith("{"):
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def cloudwatch_email(message: dict[str, Any]) -> str:
    """CloudWatch's alarm message as SNS's email subscriber reads it."""
    trigger = message.get("Trigger") or {}
    lines = [
        f'You are receiving this email because your Amazon CloudWatch Alarm "{message.get("AlarmName", "")}" '
        f"in the {message.get('Region', '')} region has entered the {message.get('NewStateValue', '')} state, "
        f'because "{message.get("NewStateReason", "")}" at "{message.get("StateChangeTime", "")}".',
        "",
        "Alarm Details:",
        f"- Name: {message.get('AlarmName', '')}",
        f"- Description: {message.get('AlarmDescription', '')}",
        f"- State Change: {message.get('OldStateValue', '')} -> {message.get('NewStateValue', '')}",
        f"- Reason for State Change: {message.get('NewStateReason', '')}",
        f"- Timestamp: {message.get('StateChangeTime', '')}",
        f"- AWS Account: {message.get('AWSAccountId', '')}",
        f"- Alarm Arn: {message.get('AlarmArn', '')}",
    ]
    if trigger:
        lines += [
            "",
            "Threshold:",
            f"- The alarm is in the ALARM state when the value is {trigger.get('ComparisonOperator', '')} "
            f"{trigger.get('Threshold', '')} for at least {trigger.get('DatapointsToAlarm', '')} of the last "
            f"{trigger.get('EvaluationPeriods', '')} period(s) of {trigger.get('Period', '')} seconds.",
        ]
    return "\n".join(lines)


def email_delivery(notification: dict[str, Any]) -> dict[str, Any]:
    """The outbox line of one SNS HTTP delivery from the email topic."""
    raw = str(notification.get("Message") or "")
    message = _json_object(raw)
    if message is not None and "AlarmName" in message:
        return {
            "channel": "sns-email",
            "alarm": str(message.get("AlarmName", "")),
            "state": str(message.get("NewStateValue", "")),
            "subject": str(notification.get("Subject") or ""),
            "text": cloudwatch_email(message),
        }
    if message is not None and "requestPayload" in message:
        carried: dict[str, Any] = {}
        for record in (message.get("requestPayload") or {}).get("Records") or []:
            carried = _json_object(str((record.get("Sns") or {}).get("Message") or "")) or {}
        return {
            "channel": "lambda-on-failure",
            "alarm": str(carried.get("AlarmName", "")),
            "state": str(carried.get("NewStateValue", "")),
            "subject": str(notification.get("Subject") or ""),
            "text": raw,
        }
    subject = str(notification.get("Subject") or "")
    body = raw
    state = _SUBJECT_STATE.match(subject)
    found = _EMAIL_ALARM.search(body)
    return {
        "channel": "email",
        "alarm": found.group(1).strip() if found else "",
        "state": _state_of(state.group(1)) if state else "",
        "subject": subject,
        "text": body,
    }


class Outbox:
    """The receiver and its JSON Lines file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()

    @property
    def url(self) -> str:
        """The receiver's base URL (after start)."""
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def write(self, line: dict[str, Any]) -> None:
        """Append one delivery (stamped with the wall-clock time it arrived)."""
        entry = {**line, "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        with self._lock, self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry, ensure_ascii=False) + "\n")

    def read(self) -> list[dict[str, Any]]:
        """Every delivery so far."""
        with self._lock:
            text = self.path.read_text(encoding="utf-8") if self.path.exists() else ""
        return [json.loads(line) for line in text.splitlines() if line.strip()]

    def start(self) -> None:
        """Serve on a free port of 127.0.0.1."""
        outbox = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    self.send_response(400)
                    self.end_headers()
                    return
                if self.path.startswith("/webhook"):
                    outbox.write(webhook_delivery(body))
                elif self.path.startswith("/email") and body.get("Type") == "Notification":
                    outbox.write(email_delivery(body))
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, name="outbox", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the receiver (the file stays)."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
