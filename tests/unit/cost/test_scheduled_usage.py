"""The canary's monthly cost in `ops cost`: priced from its schedule, checked against a bill
worked out by hand from AWS's published us-east-1 prices."""

from __future__ import annotations

import pytest
from infra import STACK
from infra.model import Function

from ops.cost.errors import OptionError
from ops.cost.price_sheet import PriceSheet
from ops.cost.pricing import price_usage
from ops.cost.scheduled_usage import RUN_MS, runs_per_month, scheduled_fixed_usage


def test_rate_expressions_become_runs_per_month() -> None:
    assert runs_per_month("rate(1 minute)") == 43_800
    assert runs_per_month("rate(5 minutes)") == 8_760
    assert runs_per_month("rate(1 hour)") == 730
    with pytest.raises(OptionError, match="cron"):
        runs_per_month("cron(0 * * * ? *)")


def test_the_canary_is_a_fixed_cost_of_every_tier(sheet: PriceSheet) -> None:
    (line,) = scheduled_fixed_usage(STACK)
    assert "canary" in line.label and "rate(1 minute)" in line.label
    bill = price_usage(line.usage, sheet, "none").total
    canary: Function = STACK.function("canary")
    health = STACK.function_for_route("GET", "/health")
    assert health is not None
    runs = 43_800
    # By hand (us-east-1 list prices, arm64): Lambda 0.20 USD per million requests and
    # 0.0000133334 USD per GB-second; REST API 3.50 USD per million; Scheduler 1.00 USD per
    # million invocations; log ingestion 0.50 USD per GB.
    gb_seconds = runs * (RUN_MS / 1000 * canary.memory_mb / 1024 + 0.005 * health.memory_mb / 1024)
    by_hand = (
        2 * runs * 0.20 / 1e6
        + gb_seconds * 0.0000133334
        + runs * 3.50 / 1e6
        + runs * 1.00 / 1e6
        + runs * 1.5 / 1024 / 1024 * 0.50
    )
    assert float(bill) == pytest.approx(by_hand, abs=0.01)
    assert 0.2 < float(bill) < 0.5  # cents a day: cheap insurance against a silent outage
