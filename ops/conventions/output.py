"""One way to print a result: ``emit()`` in the format asked for, to standard output or a file.

``table`` is for people (rich tables and lines); ``json`` is for programs (the same data, whole);
``csv`` and ``markdown`` are for results that are one table (a list of rows). Progress and
notes go to standard error, so standard output holds the result only.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ops.conventions.errors import BadInput
from ops.conventions.options import Format

Row = Mapping[str, Any]


def to_json(data: Any) -> str:
    """Indented JSON, keys sorted; dates and paths as text."""
    return json.dumps(data, indent=2, sort_keys=True, default=str) + "\n"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list | tuple):
        return "; ".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True, default=str)
    return str(value)


def _columns(rows: Sequence[Row], columns: Sequence[str] | None) -> list[str]:
    if columns is not None:
        return list(columns)
    seen: dict[str, None] = {}
    for row in rows:
        seen.update(dict.fromkeys(row))
    return list(seen)


def to_csv(rows: Sequence[Row], columns: Sequence[str] | None = None) -> str:
    """``rows`` as CSV with a header line (lists joined by "; ", objects as JSON)."""
    names = _columns(rows, columns)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(names)
    for row in rows:
        writer.writerow([_cell(row.get(name)) for name in names])
    return buffer.getvalue()


def to_markdown(rows: Sequence[Row], columns: Sequence[str] | None = None, title: str | None = None) -> str:
    """``rows`` as a GitHub-flavoured Markdown table (pipes in cells escaped)."""
    names = _columns(rows, columns)

    def line(cells: Iterable[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |"

    lines = [f"## {title}", ""] if title else []
    lines += [line(names), line("---" for _ in names)]
    lines += [line(_cell(row.get(name)) for name in names) for row in rows]
    return "\n".join(lines) + "\n"


def rich_table(rows: Sequence[Row], columns: Sequence[str] | None = None, title: str | None = None) -> Any:
    """``rows`` as a rich Table (numbers right-aligned)."""
    from rich.table import Table

    names = _columns(rows, columns)
    table = Table(title=title)
    for name in names:
        numeric = bool(rows) and all(isinstance(r.get(name), int | float) for r in rows)
        table.add_column(name, justify="right" if numeric else "left", overflow="fold")
    for row in rows:
        table.add_row(*(_cell(row.get(name)) for name in names))
    return table


def emit_text(text: str, output: Path | None = None) -> None:
    """Write ``text`` to ``output`` (saying so on standard error), or to standard output."""
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text)
    except OSError as error:
        raise BadInput(f"cannot write {output}: {error.strerror or error} (check --output)") from None
    sys.stderr.write(f"wrote {output}\n")


def _render(renderables: Sequence[Any], to_file: bool) -> str:
    from rich.console import Console
    from rich.text import Text

    buffer = io.StringIO()
    # To a file: plain text, wide enough that tables are not folded; on a terminal: colours.
    terminal = not to_file and sys.stdout.isatty()
    # On a terminal its width and colours; elsewhere (a file, a pipe) plain and wide enough
    # that tables are not folded.
    console = Console(file=buffer, width=None if terminal else 200, no_color=not terminal, force_terminal=terminal)
    for item in renderables:
        # rich Text is printed as is (no markup, no wrapping: links in it must stay whole).
        plain = isinstance(item, Text)
        console.print(item, soft_wrap=plain, emoji=not plain, highlight=not plain)
    return buffer.getvalue()


def emit(
    data: Any,
    fmt: Format | str = Format.table,
    *,
    output: Path | None = None,
    human: Callable[[], Any] | Any = None,
    rows: Sequence[Row] | None = None,
    columns: Sequence[str] | None = None,
    title: str | None = None,
) -> None:
    """Print ``data`` in ``fmt``, or write it to ``output``.

    - ``json``: ``data`` whole;
    - ``csv`` / ``markdown``: ``rows`` (default: ``data`` when it is a list of objects), in
      ``columns`` order;
    - ``table``: ``human`` (a rich renderable, text, a list of them, or a function returning
      one), else ``rows`` as a table titled ``title``.
    """
    try:
        fmt = Format(fmt)
    except ValueError:
        raise BadInput(f"--format {fmt}: unknown (known: {', '.join(Format)})") from None
    table_rows = rows if rows is not None else (data if _is_rows(data) else None)
    if fmt is Format.json:
        emit_text(to_json(data), output)
        return
    if fmt in (Format.csv, Format.markdown):
        if table_rows is None:
            raise BadInput(f"--format {fmt.value}: this result is not one table; use --format json")
        text = to_csv(table_rows, columns) if fmt is Format.csv else to_markdown(table_rows, columns, title)
        emit_text(text, output)
        return
    if fmt is not Format.table:
        raise BadInput(f"--format {fmt.value} is not available here")
    shown = human() if callable(human) else human
    if shown is None:
        if table_rows is None:
            emit_text(to_json(data), output)
            return
        shown = rich_table(table_rows, columns, title)
    items = list(shown) if isinstance(shown, list | tuple) else [shown]
    emit_text(_render(items, to_file=output is not None), output)


def _is_rows(data: Any) -> bool:
    return isinstance(data, list) and all(isinstance(item, Mapping) for item in data)
