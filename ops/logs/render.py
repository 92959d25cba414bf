"""Log lines for people (one line each: time, function, level, message, the fields that
matter) or for programs (JSON lines, with the raw event)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from ops.logs.lines import LogLine

_STYLE = {"ERROR": "bold red", "CRITICAL": "bold red", "WARNING": "yellow", "DEBUG": "dim"}
_MAX_FIELD = 120


def _value(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str, separators=(",", ":"))
    return text if len(text) <= _MAX_FIELD else text[: _MAX_FIELD - 3] + "..."


def readable(line: LogLine, *, show_ids: bool = True) -> str:
    """``line`` as rich markup: ``HH:MM:SS.mmm function LEVEL message key=value ...``."""
    from rich.markup import escape

    stamp = line.time.strftime("%H:%M:%S.") + f"{line.time.microsecond // 1000:03d}"
    style = _STYLE.get(line.level, "")
    level = f"[{style}]{line.level:<8}[/]" if style else f"{line.level:<8}"
    parts = [f"[dim]{stamp}[/]", f"[cyan]{escape(line.function):<10}[/]", level, escape(line.message)]
    fields = dict(line.fields)
    if show_ids and line.correlation_id:
        fields = {"correlation_id": line.correlation_id, **fields}
    extra = " ".join(f"{escape(str(k))}={escape(_value(v))}" for k, v in fields.items())
    if extra:
        parts.append(f"[dim]{extra}[/]")
    return " ".join(parts)


def print_lines(lines: Iterable[LogLine], fmt: str, console: Any, *, show_ids: bool = True) -> None:
    """Print ``lines`` to ``console``: readable (``table``) or one JSON object a line (``json``)."""
    for line in lines:
        if fmt == "json":
            console.file.write(json.dumps(line.as_dict(), default=str) + "\n")
        else:
            console.print(readable(line, show_ids=show_ids), highlight=False, soft_wrap=True)
    console.file.flush()
