from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

EVENTS = Path(__file__).resolve().parents[2] / "events"


def load(name: str) -> dict[str, Any]:
    return json.loads((EVENTS / f"{name}.json").read_text())


@pytest.fixture
def alarm_event() -> dict[str, Any]:
    return load("sns_metric_alarm_alarm")


@pytest.fixture
def ok_event() -> dict[str, Any]:
    return load("sns_metric_alarm_ok")


@pytest.fixture
def math_event() -> dict[str, Any]:
    return load("sns_math_alarm_alarm")


@pytest.fixture
def composite_event() -> dict[str, Any]:
    return load("sns_composite_alarm")
