"""The fault board and `ops local fault`: what is injected, for how long, and clear errors."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ops.cli import app
from ops.local.faults import FaultBoard, FaultError, clear, inject, read_faults
from ops.local.recorded import RecordedMetrics, statistic
from ops.local.scheduler import ScheduleError, rate_seconds


def test_inject_clear_and_expire(tmp_path: Path) -> None:
    path = tmp_path / "faults.json"
    board = FaultBoard(path)
    assert not board.active("function-errors", "chat")
    inject(path, "function-errors", "chat")
    assert board.active("function-errors", "chat")
    assert not board.active("function-errors", "call")
    inject(path, "api-outage", duration_s=0.2)
    assert board.active("api-outage")
    time.sleep(0.3)
    assert not board.active("api-outage")
    assert [f.kind for f in clear(path, "function-errors")] == ["function-errors"]
    assert not board.active("function-errors", "chat")
    with pytest.raises(FaultError, match="unknown fault kind"):
        inject(path, "meteor-strike")
    with pytest.raises(FaultError, match="needs --function"):
        inject(path, "function-errors")


def test_the_cli_names_what_is_wrong(tmp_path: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(app, ["local", "fault", "inject", "api-outage", "--info-file", str(tmp_path / "x.json")])
    assert missing.exit_code == 2
    assert "ops local up --info-file" in missing.output
    info = tmp_path / "twin.json"
    info.write_text(
        json.dumps({"faults_file": str(tmp_path / "f.json"), "functions": {"chat": "c"}, "clock_speed": 60})
    )
    wrong = runner.invoke(
        app, ["local", "fault", "inject", "function-errors", "--function", "nope", "--info-file", str(info)]
    )
    assert wrong.exit_code == 2
    assert "known: chat" in wrong.output
    timed = runner.invoke(
        app,
        ["local", "fault", "inject", "function-errors", "--function", "chat", "--for", "5m", "--info-file", str(info)],
    )
    assert timed.exit_code == 0, timed.output
    (fault,) = read_faults(tmp_path / "f.json")
    assert fault.until is not None
    # Five minutes of a clock running 60 times faster: five seconds of wall time.
    assert 4 <= fault.until - fault.since <= 6
    listed = runner.invoke(app, ["local", "fault", "list", "--info-file", str(info), "--format", "json"])
    rows = {row["kind"]: row for row in json.loads(listed.output)}
    assert rows["function-errors"]["active"][0]["function"] == "chat"
    assert rows["api-outage"]["active"] == []
    cleared = runner.invoke(app, ["local", "fault", "clear", "--info-file", str(info)])
    assert cleared.exit_code == 0
    assert read_faults(tmp_path / "f.json") == []


def test_recorded_metrics_give_exact_statistics_per_period() -> None:
    recorded = RecordedMetrics()
    for index, value in enumerate([1.0, 2.0, 3.0, 100.0]):
        recorded.add("N", "Latency", (("A", "b"),), 600 + index, value)
    recorded.add("N", "Latency", (("A", "b"),), 660, 7.0)
    assert statistic([1.0, 2.0, 3.0, 100.0], "p50") == 2.0
    assert statistic([1.0, 2.0, 3.0, 100.0], "p99") == 100.0
    import datetime as dt

    from kit.metrics import MetricStat

    metric = MetricStat("N", "Latency", (("A", "b"),), "p75", 60)
    fetched = recorded.fetch(
        [metric, metric.with_stat("SampleCount")],
        dt.datetime.fromtimestamp(0, dt.UTC),
        dt.datetime.fromtimestamp(720, dt.UTC),
    )
    assert fetched.get(metric) == {600: 3.0, 660: 7.0}
    assert fetched.get(metric.with_stat("SampleCount")) == {600: 4.0, 660: 1.0}


def test_schedules_are_rates() -> None:
    assert rate_seconds("rate(1 minute)") == 60
    assert rate_seconds("rate(5 minutes)") == 300
    assert rate_seconds("rate(2 hours)") == 7200
    with pytest.raises(ScheduleError, match="rate"):
        rate_seconds("cron(0 * * * ? *)")
