"""Benchmark of `ops cost project` on a large export (run by `make bench`, not `make test`).

90 days of 1-minute datapoints for 40 series (5,184,000 rows, Parquet). `ops cost project`
run as a user runs it (the `ops` console script, a whole process: interpreter start, the CLI's
imports, the stage's template, the report) must take at most 3 times a whole process that only
imports pandas and reads the file with ``pandas.read_parquet``. Both timings and the ratio are
printed, each the best of a few alternating runs (these machines are noisy).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from infra import STACK

DAYS = 90
SERIES = 40
MAX_RATIO = 3.0
RUNS = 3


def _series() -> list[tuple[str, str, str, str]]:
    """40 series shaped like the stack's: per-function Lambda metrics, API, table, logs, EMF."""
    series: list[tuple[str, str, str, str]] = []
    for function in STACK.functions:
        name = f"FunctionName={STACK.name}-{function.name}"
        series += [("AWS/Lambda", "Invocations", name, "Sum"), ("AWS/Lambda", "Duration", name, "Sum")]
        series.append(("AWS/Logs", "IncomingBytes", f"LogGroupName=/aws/lambda/{STACK.name}-{function.name}", "Sum"))
        series.append((STACK.metrics_namespace, "WarmupPings", f"service={function.name}", "Sum"))
    table = f"TableName={STACK.name}-{STACK.table.logical_name.lower()}"
    series += [
        ("AWS/ApiGateway", "Count", f"ApiName={STACK.name}-{STACK.rest_api.logical_name};Stage=v1", "Sum"),
        ("AWS/ApiGateway", "MessageCount", "ApiId=abcdef1234;Stage=v1", "Sum"),
        ("AWS/ApiGateway", "ConnectCount", "ApiId=abcdef1234;Stage=v1", "Sum"),
        ("AWS/DynamoDB", "ConsumedWriteCapacityUnits", table, "Sum"),
        ("AWS/DynamoDB", "ConsumedReadCapacityUnits", table, "Sum"),
        (STACK.metrics_namespace, "ActiveUsers", "service=auth", "Maximum"),
        (STACK.metrics_namespace, "ConnectionMinutes", "service=websocket", "Sum"),
    ]
    index = 0
    while len(series) < SERIES:
        series.append((STACK.metrics_namespace, f"BusinessMetric{index}", "service=chat", "Sum"))
        index += 1
    return series[:SERIES]


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bench") / "metrics.parquet"
    minutes = DAYS * 24 * 60
    stamps = pa.array(
        (np.datetime64("2026-08-01T00:00", "ms") + np.arange(minutes) * np.timedelta64(60_000, "ms")),
        type=pa.timestamp("ms", tz="UTC"),
    )
    rng = np.random.default_rng(7)
    with pq.ParquetWriter(path, _schema()) as writer:
        for namespace, metric, dimensions, statistic in _series():
            values = rng.poisson(20, minutes).astype("float64")
            writer.write_table(
                pa.table(
                    {
                        "timestamp": stamps,
                        "namespace": pa.array([namespace] * minutes, pa.string()),
                        "metric": pa.array([metric] * minutes, pa.string()),
                        "dimensions": pa.array([dimensions] * minutes, pa.string()),
                        "statistic": pa.array([statistic] * minutes, pa.string()),
                        "value": values,
                        "period": np.full(minutes, 60, dtype=np.int64),
                    },
                    schema=_schema(),
                )
            )
    return path


def _schema() -> pa.Schema:
    return pa.schema(
        [
            ("timestamp", pa.timestamp("ms", tz="UTC")),
            ("namespace", pa.string()),
            ("metric", pa.string()),
            ("dimensions", pa.string()),
            ("statistic", pa.string()),
            ("value", pa.float64()),
            ("period", pa.int64()),
        ]
    )


OPS = Path(sys.executable).with_name("ops")
READ = "import sys, pandas; pandas.read_parquet(sys.argv[1])"


def _process_seconds(argv: list[str], cwd: Path) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, cwd=cwd, check=False)
    seconds = time.perf_counter() - start
    assert done.returncode == 0, done.stderr
    return seconds, done.stdout


def test_project_over_five_million_rows_is_within_3x_of_reading_them(export: Path) -> None:
    rows = pq.ParquetFile(export).metadata.num_rows
    assert rows == DAYS * 24 * 60 * SERIES
    cwd = export.parent  # no warmup.yaml there
    project = [str(OPS), "cost", "project", "--metrics", str(export), "--format", "json"]
    read = [sys.executable, "-c", READ, str(export)]

    # Alternate the two and keep each one's best run, so both see the same state of the machine.
    read_seconds = project_seconds = float("inf")
    for _ in range(RUNS):
        read_seconds = min(read_seconds, _process_seconds(read, cwd)[0])
        seconds, stdout = _process_seconds(project, cwd)
        assert json.loads(stdout)["tiers"]
        project_seconds = min(project_seconds, seconds)
    ratio = project_seconds / read_seconds

    print(
        f"\nops cost project over {rows:,} rows ({DAYS} days x 1 min x {SERIES} series, Parquet), whole processes: "
        f"python + pandas.read_parquet {read_seconds:.2f} s, ops cost project {project_seconds:.2f} s, "
        f"ratio {ratio:.2f} (limit {MAX_RATIO:.0f})"
    )
    assert ratio <= MAX_RATIO
