"""The export format: CSV and Parquet read alike; a bad row is named by column and row."""

from __future__ import annotations

import pandas as pd
import pytest

from ops.cost.errors import MetricsError
from ops.cost.metrics_export import (
    COLUMNS,
    format_dimensions,
    parse_dimensions,
    read_metrics,
    write_metrics,
)
from ops.cost.series import summarise

HEADER = ",".join(COLUMNS)
GOOD = [
    "2026-01-01T00:00:00Z,AWS/Lambda,Invocations,FunctionName=chat-platform-chat,Sum,10,3600",
    "2026-01-01T01:00:00Z,AWS/Lambda,Invocations,FunctionName=chat-platform-chat,Sum,30,3600",
    "2026-01-01T01:00:00Z,AWS/Lambda,Duration,FunctionName=chat-platform-chat,Sum,4000,3600",
    "2026-01-01T01:00:00Z,ChatPlatform,ActiveUsers,,Maximum,7,3600",
]


def write_csv(tmp_path, rows, header=HEADER):
    path = tmp_path / "metrics.csv"
    path.write_text("\n".join([header, *rows]) + "\n")
    return path


def test_csv_is_read_with_types(tmp_path):
    frame = read_metrics(write_csv(tmp_path, GOOD))

    assert list(frame.columns) == list(COLUMNS)
    assert frame["value"].tolist() == [10.0, 30.0, 4000.0, 7.0]
    assert str(frame["timestamp"].dt.tz) == "UTC"
    assert frame["dimensions"].tolist()[-1] == ""


def test_summary_of_the_series(tmp_path):
    summary = summarise(read_metrics(write_csv(tmp_path, GOOD)))

    invocations = summary.find("AWS/Lambda", "Invocations", "Sum")
    assert len(invocations) == 1
    assert invocations[0].total == 40
    assert invocations[0].count == 2
    assert invocations[0].dimensions == {"FunctionName": "chat-platform-chat"}
    # from 00:00 to the end of the 01:00 datapoint
    assert summary.window_hours == 2


def test_parquet_and_csv_give_the_same_frame(tmp_path):
    frame = read_metrics(write_csv(tmp_path, GOOD))
    parquet = tmp_path / "metrics.parquet"
    write_metrics(frame, parquet)

    again = read_metrics(parquet)

    pd.testing.assert_frame_equal(
        frame.astype(dict.fromkeys(("namespace", "metric", "dimensions", "statistic"), str)),
        again.astype(dict.fromkeys(("namespace", "metric", "dimensions", "statistic"), str)),
        check_dtype=False,
    )


def test_written_csv_reads_back(tmp_path):
    frame = read_metrics(write_csv(tmp_path, GOOD))
    out = tmp_path / "out" / "again.csv"
    write_metrics(frame, out)

    assert read_metrics(out)["value"].sum() == frame["value"].sum()


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            ["2026-01-01T00:00:00Z,AWS/Lambda,Invocations,FunctionName=x,Sum,lots,3600"],
            "row 2, column value: must be a number (got 'lots')",
        ),
        (
            [GOOD[0], "yesterday,AWS/Lambda,Invocations,FunctionName=x,Sum,1,3600"],
            "row 3, column timestamp: must be an ISO 8601 date and time (got 'yesterday')",
        ),
        (
            ["2026-01-01T00:00:00Z,AWS/Lambda,Invocations,FunctionName=x,p99,1,3600"],
            "row 2, column statistic: unknown statistic",
        ),
        (
            ["2026-01-01T00:00:00Z,AWS/Lambda,Invocations,FunctionName,Sum,1,3600"],
            "row 2, column dimensions: dimensions must be Name=Value pairs",
        ),
        (
            ["2026-01-01T00:00:00Z,AWS/Lambda,Invocations,FunctionName=x,Sum,1,0"],
            "row 2, column period: must be a positive number of seconds",
        ),
        (
            ["2026-01-01T00:00:00Z,,Invocations,FunctionName=x,Sum,1,60"],
            "row 2, column namespace: must not be empty",
        ),
    ],
)
def test_a_bad_row_is_named(tmp_path, rows, message):
    with pytest.raises(MetricsError) as caught:
        read_metrics(write_csv(tmp_path, rows))

    assert message in str(caught.value)


def test_a_missing_column_is_named(tmp_path):
    path = write_csv(tmp_path, ["2026-01-01T00:00:00Z,AWS/Lambda,Invocations,,Sum,1"], header=",".join(COLUMNS[:-1]))

    with pytest.raises(MetricsError, match="missing column\\(s\\) period"):
        read_metrics(path)


def test_a_missing_parquet_column_is_named(tmp_path):
    path = tmp_path / "m.parquet"
    pd.DataFrame({"timestamp": [pd.Timestamp("2026-01-01", tz="UTC")], "value": [1.0]}).to_parquet(path)

    with pytest.raises(MetricsError, match="missing column\\(s\\) namespace, metric, dimensions, statistic, period"):
        read_metrics(path)


def test_unknown_extension_and_missing_file(tmp_path):
    with pytest.raises(MetricsError, match=r"use a \.csv or \.parquet file"):
        read_metrics(tmp_path / "metrics.xlsx")
    with pytest.raises(MetricsError, match="no such file"):
        read_metrics(tmp_path / "metrics.csv")


def test_a_file_that_is_not_parquet(tmp_path):
    path = tmp_path / "m.parquet"
    path.write_text("not parquet")

    with pytest.raises(MetricsError, match="cannot read it as parquet"):
        read_metrics(path)


def test_dimensions_text_round_trip():
    text = format_dimensions({"Stage": "v1", "ApiName": "chat-platform-RestApi"})

    assert text == "ApiName=chat-platform-RestApi;Stage=v1"
    assert parse_dimensions(text) == {"ApiName": "chat-platform-RestApi", "Stage": "v1"}
    assert parse_dimensions("") == {}
