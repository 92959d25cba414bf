"""emit(): one result, in the format asked for, on standard output or in a file."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from rich.table import Table

from ops.conventions import BadInput, Format, emit

ROWS = [
    {"function": "chat", "cold_starts": 3, "rate": 0.25, "notes": ["a|b", "c"]},
    {"function": "auth", "cold_starts": 0, "rate": None, "notes": []},
]


def test_json_is_the_data_whole(capsys: pytest.CaptureFixture[str]) -> None:
    emit({"rows": ROWS, "total": 3}, Format.json)
    assert json.loads(capsys.readouterr().out) == {"rows": ROWS, "total": 3}


def test_csv_has_a_header_and_one_line_per_row(capsys: pytest.CaptureFixture[str]) -> None:
    emit(ROWS, Format.csv)
    lines = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert lines == [
        ["function", "cold_starts", "rate", "notes"],
        ["chat", "3", "0.25", "a|b; c"],
        ["auth", "0", "", ""],
    ]


def test_markdown_escapes_pipes(capsys: pytest.CaptureFixture[str]) -> None:
    emit({"whole": True}, Format.markdown, rows=ROWS, columns=["function", "notes"], title="cold starts")
    text = capsys.readouterr().out
    assert text.splitlines() == [
        "## cold starts",
        "",
        "| function | notes |",
        "| --- | --- |",
        "| chat | a\\|b; c |",
        "| auth |  |",
    ]


def test_table_prints_the_human_view(capsys: pytest.CaptureFixture[str]) -> None:
    emit(ROWS, Format.table, human=lambda: ["2 functions", Table("x")])
    out = capsys.readouterr().out
    assert out.startswith("2 functions")
    emit(ROWS, Format.table, title="cold starts")  # no human view: the rows as a table
    out = capsys.readouterr().out
    assert "cold starts" in out
    assert "chat" in out
    assert "auth" in out


def test_output_writes_the_file_and_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "deep" / "report.csv"
    emit(ROWS, Format.csv, output=target)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert f"wrote {target}" in captured.err
    assert target.read_text().startswith("function,cold_starts")
    emit(ROWS, Format.table, output=tmp_path / "t.txt")
    assert "\x1b[" not in (tmp_path / "t.txt").read_text()  # plain text in files


def test_a_result_that_is_not_a_table_has_no_csv() -> None:
    with pytest.raises(BadInput, match="--format csv"):
        emit({"a": 1}, Format.csv)


def test_an_unwritable_output_is_bad_input(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(BadInput, match="cannot write"):
        emit(ROWS, Format.json, output=blocker / "x.json")
