"""Every file under examples/ is run the way a user runs it (the `ops` console script, a whole
process, no AWS account) and its answer is checked against a bill computed here from AWS's
published prices, not from the project's price sheet, and against the figures that
examples/README.md quotes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
OPS = Path(sys.executable).parent / "ops"
EXAMPLES = ROOT / "examples"
TIERS = {"free": 1000, "light": 5000, "medium": 10000}
SEED_RANGES = {"free": (1, 5), "light": (20, 40), "medium": (70, 150)}
# us-east-1 list prices from AWS's pricing pages (first tiers, which these usages stay in).
REST_PER_MILLION = 3.50
WEBSOCKET_MESSAGE_PER_MILLION = 1.00
CONNECTION_MINUTE_PER_MILLION = 0.25
WRITE_UNIT_PER_MILLION = 0.625
READ_UNIT_PER_MILLION = 0.125
PROVISIONED_ARM_GB_SECOND = 0.0000033334
SNAPSTART_CACHE_GB_SECOND = 0.0000015046
SNAPSTART_RESTORE_GB = 0.0001397998


def _no_account_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_CONFIG_FILE=os.devnull + ".absent",
        AWS_SHARED_CREDENTIALS_FILE=os.devnull + ".absent",
        AWS_EC2_METADATA_DISABLED="true",
    )
    return env


def ops(*args: str) -> subprocess.CompletedProcess[str]:
    """Run `ops ARGS` from the repository root, as a user on a machine without an AWS account."""
    return subprocess.run(
        [str(OPS), *args], cwd=ROOT, env=_no_account_env(), capture_output=True, text=True, timeout=120, check=False
    )


def ops_json(*args: str) -> Any:
    result = ops(*args, "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _line(bill: dict[str, Any], service: str, item: str) -> dict[str, Any]:
    (line,) = [line for line in bill["services"][service]["lines"] if line["item"] == item]
    return line


def _readme_estimates() -> dict[str, float]:
    text = (EXAMPLES / "README.md").read_text()
    found = re.findall(r"^\| (free|light|medium) \| [\d,]+ \| \$([\d,.]+) \|", text, flags=re.MULTILINE)
    return {tier: float(amount.replace(",", "")) for tier, amount in found}


@pytest.fixture(scope="module")
def estimates() -> dict[str, Any]:
    return {tier: ops_json("cost", "estimate", "--usage", f"examples/usage/{tier}.yaml") for tier in TIERS}


@pytest.mark.parametrize("tier", list(TIERS))
def test_each_tier_prices_its_traffic_as_aws_publishes_it(tier: str, estimates: dict[str, Any]) -> None:
    usage = yaml.safe_load((EXAMPLES / "usage" / f"{tier}.yaml").read_text())
    bill = estimates[tier]
    assert usage["cognito"]["monthly_active_users"] == TIERS[tier]
    api, table = usage["apigateway"], usage["dynamodb"]
    expected = {
        ("apigateway", "REST API requests"): api["rest_requests"] / 1e6 * REST_PER_MILLION,
        ("apigateway", "WebSocket messages (32 KB units)"): api["websocket_messages"]
        / 1e6
        * WEBSOCKET_MESSAGE_PER_MILLION,
        ("apigateway", "WebSocket connection minutes"): api["websocket_connection_minutes"]
        / 1e6
        * CONNECTION_MINUTE_PER_MILLION,
        ("dynamodb", "write request units"): table["write_request_units"] / 1e6 * WRITE_UNIT_PER_MILLION,
        ("dynamodb", "read request units"): table["read_request_units"] / 1e6 * READ_UNIT_PER_MILLION,
    }
    for (service, item), cost in expected.items():
        assert float(_line(bill, service, item)["cost"]) == pytest.approx(cost, abs=0.006), (tier, item)
    lines = [float(line["cost"]) for service in bill["services"].values() for line in service["lines"]]
    assert all(cost >= 0 for cost in lines)
    assert float(bill["total"]) == pytest.approx(sum(lines), abs=0.001)
    low, high = SEED_RANGES[tier]
    verdict = "below" if bill["total"] < low else "within" if bill["total"] <= high else "above"
    print(f"{tier}: ${float(bill['total']):.2f} a month, {verdict} the seed's ${low}-{high}")


def test_tiers_grow_with_users_and_the_readme_quotes_what_they_cost(estimates: dict[str, Any]) -> None:
    totals = {tier: float(bill["total"]) for tier, bill in estimates.items()}
    assert totals["free"] < totals["light"] < totals["medium"]
    # More users share the fixed lines: no tier costs more per user than the free tier x 1.5.
    per_user = {tier: totals[tier] / users for tier, users in TIERS.items()}
    assert max(per_user.values()) <= per_user["free"] * 1.5
    assert _readme_estimates() == totals, "examples/README.md quotes other figures: update its table"


def test_the_markdown_report_of_the_readme_renders() -> None:
    result = ops("cost", "estimate", "--usage", "examples/usage/free.yaml", "--format", "markdown")
    assert result.returncode == 0, result.stderr
    total = ops_json("cost", "estimate", "--usage", "examples/usage/free.yaml")["total"]
    assert result.stdout.rstrip().splitlines()[-1] == f"| **total** | | | | | **${float(total):,.2f}** |"


def test_the_export_is_the_free_tier_spread_over_a_day_and_projects_to_its_rates() -> None:
    sys.path.insert(0, str(EXAMPLES / "metrics"))
    try:
        import generate  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(EXAMPLES / "metrics"))
    committed = (EXAMPLES / "metrics" / "free-tier-day.csv").read_text()
    assert generate.render() == committed, "run `.venv/bin/python examples/metrics/generate.py` and commit"

    projection = ops_json(
        "cost",
        "project",
        "--metrics",
        "examples/metrics/free-tier-day.csv",
        "--active-users",
        "100",
        "--stage",
        "dev",
        "--tiers",
        "free=1000",
        "--no-warmup",
    )
    usage = yaml.safe_load((EXAMPLES / "usage" / "free.yaml").read_text())
    users = TIERS["free"]
    month = 730 / 24 / 30  # a projection's month is 730 hours, the usage file's 30 days
    (tier,) = projection["tiers"]
    services = tier["services"]

    def quantity(service: str, item: str) -> float:
        (line,) = [line for line in services[service]["lines"] if line["item"] == item]
        return float(line["quantity"])

    canary = 43_800
    assert quantity("apigateway", "REST API requests") == pytest.approx(
        (usage["apigateway"]["rest_requests"] - canary) * month + canary, rel=0.002
    )
    assert quantity("apigateway", "WebSocket messages (32 KB units)") == pytest.approx(
        usage["apigateway"]["websocket_messages"] * month, rel=0.002
    )
    assert quantity("apigateway", "WebSocket connection minutes") == pytest.approx(
        usage["apigateway"]["websocket_connection_minutes"] * month, rel=0.002
    )
    assert quantity("dynamodb", "write request units") == pytest.approx(
        usage["dynamodb"]["write_request_units"] * month, rel=0.002
    )
    assert tier["users"] == users


def _plan(policy: str) -> dict[str, dict[str, Any]]:
    result = ops("warmup", "plan", "--policy", f"examples/warmup/{policy}.yaml", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert "needs" in result.stderr or "no change list" in result.stderr
    document = json.loads(result.stdout)
    assert document["changes"] is None
    return {cost["function"]: cost for cost in document["costs"]}


def test_the_ping_policy_costs_cents() -> None:
    costs = _plan("ping")
    assert {c["method"] for c in costs.values()} == {"ping"}
    # chat: 2 environments, 16 hours a day, every 5 minutes: 11,680 pings of 150 ms at 1 GB arm64,
    # each a Scheduler invocation ($1.00/M) and a Lambda request ($0.20/M); lines rounded to the cent.
    pings = 2 * 16 * 730 / 24 * 12
    exact = pings * (1.00e-6 + 0.20e-6 + 0.150 * 0.0000133334)
    assert costs["chat"]["monthly_cost"] == pytest.approx(exact, abs=0.015)
    assert costs["chat"]["monthly_cost"] < costs["chat"]["provisioned_cost"]


def test_the_provisioned_policy_costs_its_held_gigabyte_seconds() -> None:
    costs = _plan("provisioned")
    websocket_hours = 5 * 730 / 24  # 17:00-21:59 every day
    assert costs["websocket"]["monthly_cost"] == pytest.approx(
        3 * 1.0 * websocket_hours * 3600 * PROVISIONED_ARM_GB_SECOND, abs=0.01
    )
    assert costs["call"]["monthly_cost"] == pytest.approx(1 * 0.5 * 730 * 3600 * PROVISIONED_ARM_GB_SECOND, abs=0.01)


def test_the_snapstart_policy_costs_its_cache_and_restores() -> None:
    costs = _plan("snapstart")
    for function, memory_gb in (("chat", 1.0), ("uploads", 0.5)):
        cache = memory_gb * 730 * 3600 * SNAPSTART_CACHE_GB_SECOND
        restores = 730 * memory_gb * SNAPSTART_RESTORE_GB  # one environment, one restore an hour (assumed)
        assert costs[function]["monthly_cost"] == pytest.approx(cache + restores, abs=0.01)
        assert costs[function]["snapstart_break_even_restores"] >= 0
