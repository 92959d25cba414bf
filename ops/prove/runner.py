"""Runs prove scenarios against a twin, only through what a user of the twin sees: the AWS
endpoint (``DescribeAlarms``, ``DescribeAlarmHistory``), the outbox file and the faults file."""

from __future__ import annotations

import datetime as dt
import fnmatch
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

from alarms.evaluator import ScaledClock
from ops.local import faults
from ops.prove.scenarios import Scenario
from ops.prove.traffic import Traffic, wait_for


@dataclass
class Result:
    """What one scenario showed."""

    scenario: str
    passed: bool = True
    pending: str = ""
    # Alarm name -> twin minutes from injection to ALARM (None: never).
    fired: dict[str, float | None] = field(default_factory=dict)
    recovered_minutes: float | None = None
    alarm_notifications: dict[str, int] = field(default_factory=dict)
    ok_notifications: dict[str, int] = field(default_factory=dict)
    alarm_transitions: int = 0
    failures: list[str] = field(default_factory=list)
    traffic: dict[str, int] = field(default_factory=dict)

    def fail(self, reason: str) -> None:
        """Record an unmet expectation."""
        self.passed = False
        self.failures.append(reason)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "scenario": self.scenario,
            "passed": self.passed,
            "pending": self.pending,
            "fired_after_minutes": self.fired,
            "recovered_after_minutes": self.recovered_minutes,
            "alarm_notifications": self.alarm_notifications,
            "ok_notifications": self.ok_notifications,
            "alarm_transitions": self.alarm_transitions,
            "failures": self.failures,
            "traffic": self.traffic,
        }


class Prover:
    """Drives scenarios on the twin described by ``info`` (the info file's content)."""

    def __init__(self, info: dict[str, Any], on_progress: Callable[[str], None] | None = None) -> None:
        self.info = info
        self.clock = ScaledClock(float(info.get("clock_speed") or 1.0), float(info.get("clock_origin") or time.time()))
        self.cloudwatch = boto3.client(
            "cloudwatch",
            endpoint_url=info["aws_endpoint_url"],
            region_name="us-east-1",
            aws_access_key_id="local",
            aws_secret_access_key="local",
            config=Config(retries={"max_attempts": 1}),
        )
        self.outbox = Path(info["notifications_outbox"])
        self.faults_file = Path(info["faults_file"])
        self.progress = on_progress or (lambda message: None)
        self.traffic = Traffic(info["rest_url"], info["websocket_url"], self.clock)
        self.prefix = ""

    # -- what the twin shows -------------------------------------------------------------

    def states(self) -> dict[str, str]:
        """Every alarm's state, by slug (name without the stack prefix)."""
        found: dict[str, str] = {}
        for page in self.cloudwatch.get_paginator("describe_alarms").paginate(
            AlarmTypes=["MetricAlarm", "CompositeAlarm"]
        ):
            for alarm in page.get("MetricAlarms", []) + page.get("CompositeAlarms", []):
                found[alarm["AlarmName"]] = alarm["StateValue"]
        if not self.prefix:
            health = next((n for n in found if n.endswith("-service-health")), "")
            self.prefix = health[: -len("service-health")]
        return {self._slug(name): state for name, state in found.items()}

    def _slug(self, name: str) -> str:
        return name[len(self.prefix) :] if self.prefix and name.startswith(self.prefix) else name

    def deliveries(self) -> list[dict[str, Any]]:
        """Every line of the outbox."""
        if not self.outbox.exists():
            return []
        return [json.loads(line) for line in self.outbox.read_text().splitlines() if line.strip()]

    def alarm_transitions(self, since: dt.datetime) -> list[str]:
        """Alarms that entered ALARM since ``since`` (from DescribeAlarmHistory)."""
        items = self.cloudwatch.describe_alarm_history(
            HistoryItemType="StateUpdate", StartDate=since, MaxRecords=100
        ).get("AlarmHistoryItems", [])
        return [i["AlarmName"] for i in items if i.get("HistorySummary", "").endswith("to ALARM")]

    def minutes(self, wall_seconds: float) -> float:
        """Twin minutes in ``wall_seconds``."""
        return round(wall_seconds * self.clock.speed / 60, 1)

    def wall(self, twin_minutes: float) -> float:
        """Wall seconds of ``twin_minutes``."""
        return self.clock.real_seconds(twin_minutes * 60)

    # -- scenarios -----------------------------------------------------------------------

    def start(self) -> None:
        """Sign in and let the alarms settle on healthy low traffic."""
        self.traffic.sign_in()
        self.traffic.run("low")
        self.progress("settling: alarms leave INSUFFICIENT_DATA on healthy traffic")
        self._settle(8)

    def _settle(self, minutes: float) -> bool:
        return wait_for(lambda: "ALARM" not in self.states().values(), self.wall(minutes), 0.5) is not None

    def run(self, scenario: Scenario) -> Result:
        """Run one scenario."""
        result = Result(scenario.name, pending=scenario.pending)
        faults.clear(self.faults_file)
        self.traffic.run(scenario.traffic, scenario.websocket, scenario.messages)
        before = dict(self.traffic.statuses)
        if not self._settle(10):
            result.fail(f"alarms still in ALARM before the scenario: {self._firing()}")
            return result
        if scenario.healthy:
            self._healthy(scenario, result)
        else:
            self._failure(scenario, result)
        faults.clear(self.faults_file)
        result.traffic = {k: v - before.get(k, 0) for k, v in self.traffic.statuses.items() if v - before.get(k, 0)}
        return result

    def _firing(self) -> list[str]:
        return sorted(n for n, s in self.states().items() if s == "ALARM")

    def _healthy(self, scenario: Scenario, result: Result) -> None:
        since = dt.datetime.now(dt.UTC)
        self.progress(f"{scenario.name}: {scenario.minutes} min of {scenario.traffic} traffic, no fault")
        time.sleep(self.wall(scenario.minutes))
        fired = self.alarm_transitions(since)
        result.alarm_transitions = len(fired)
        if fired:
            result.fail(f"{len(fired)} ALARM transition(s) on healthy traffic: {', '.join(sorted(set(fired)))}")

    def _matching(self, pattern: str, states: dict[str, str]) -> list[str]:
        return [slug for slug in states if fnmatch.fnmatchcase(slug, pattern)]

    def _failure(self, scenario: Scenario, result: Result) -> None:
        states = self.states()
        for pattern in scenario.expect:
            if not self._matching(pattern, states):
                result.fail(f"no alarm matches {pattern!r}")
        time.sleep(self.wall(2))  # two healthy minutes in the window before the fault
        seen = len(self.deliveries())
        injected = time.monotonic()
        for kind, function in scenario.faults:
            faults.inject(self.faults_file, kind or "", function)
        injected_text = ", ".join(f"{k} {f or ''}".rstrip() for k, f in scenario.faults)
        self.progress(f"{scenario.name}: injected {injected_text}")
        pending = {p for p in scenario.expect if self._matching(p, states)}
        deadline = injected + self.wall(scenario.within_minutes)
        while pending and time.monotonic() < deadline:
            now_states = self.states()
            for pattern in list(pending):
                firing = [s for s in self._matching(pattern, now_states) if now_states[s] == "ALARM"]
                if firing:
                    result.fired[pattern] = self.minutes(time.monotonic() - injected)
                    pending.discard(pattern)
            time.sleep(0.5)  # DescribeAlarms of 100+ alarms is not free: do not starve the twin
        for pattern in pending:
            result.fired[pattern] = None
            result.fail(f"{pattern} not in ALARM within {scenario.within_minutes} min")
        # Deliveries follow the state change within the same evaluation.
        time.sleep(self.wall(1))
        alarm_lines = [d for d in self.deliveries()[seen:] if d.get("state") == "ALARM"]
        result.alarm_notifications = _per_channel(alarm_lines)
        self._check_notifications(result, alarm_lines, "ALARM", scenario.channels)
        seen = len(self.deliveries())
        faults.clear(self.faults_file)
        cleared = time.monotonic()
        self.progress(f"{scenario.name}: cleared")
        recovered = wait_for(lambda: "ALARM" not in self.states().values(), self.wall(scenario.within_minutes), 0.5)
        if recovered is None:
            result.fail(f"still in ALARM {scenario.within_minutes} min after clearing: {self._firing()}")
        else:
            result.recovered_minutes = self.minutes(time.monotonic() - cleared)
        time.sleep(self.wall(1))
        # Recoveries only: an alarm meeting its first datapoint also says OK (was INSUFFICIENT_DATA).
        ok_lines = [d for d in self.deliveries()[seen:] if d.get("state") == "OK" and _recovery(d)]
        result.ok_notifications = _per_channel(ok_lines)
        self._check_notifications(result, ok_lines, "OK", scenario.ok_channels)

    def _check_notifications(
        self, result: Result, lines: list[dict[str, Any]], state: str, channels: tuple[str, ...]
    ) -> None:
        counts = _per_channel(lines)
        if not counts:
            result.fail(f"no {state} notification in the outbox")
            return
        expected = dict.fromkeys(channels, 1)
        if counts != expected:
            alarms = sorted({d.get("alarm", "") for d in lines})
            result.fail(
                f"{state}: {counts} notifications per channel, expected {expected} (alarms: {', '.join(alarms)})"
            )
        if state == "ALARM":
            for line in lines:
                if line.get("channel") == "lambda-on-failure":
                    continue  # Lambda's raw invocation record: it carries the alarm, not a reading of it
                text = str(line.get("text", "")).lower()
                missing = [w for w in ("value", "threshold", "runbook") if w not in text]
                if missing:
                    result.fail(f"{line.get('channel')} notification of {line.get('alarm')} lacks {', '.join(missing)}")
                    break

    def stop(self) -> None:
        """Stop the traffic and clear every fault."""
        self.traffic.stop()
        faults.clear(self.faults_file)


def _recovery(line: dict[str, Any]) -> bool:
    """An OK notification after ALARM (an alarm meeting its first datapoint says OK too)."""
    text = str(line.get("text", ""))
    return "was ALARM" in text or "ALARM -> OK" in text


def _per_channel(lines: list[dict[str, Any]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for line in lines:
        counts[str(line.get("channel"))] = counts.get(str(line.get("channel")), 0) + 1
    return counts
