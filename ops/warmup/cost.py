"""What a warm-up policy costs per month, priced with the project's price sheet (ops.cost).

Pings: one Scheduler invocation and one Lambda request per ping, each billed for its
duration (the hold when several environments are kept warm, else about 2 ms) at the
function's memory. Provisioned: the provisioned-concurrency charge for every GB-second the
environments are held, whether traffic comes or not. A month is 730 hours, as AWS prices it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from infra.model import Stack

from ops.cost.price_sheet import PriceSheet
from ops.cost.pricing import price_usage
from ops.cost.usage import LambdaFunction, ProvisionedConcurrency, SchedulerUsage, Usage
from ops.warmup.desired import HOLD_MS
from ops.warmup.policy import FunctionPolicy, Policy, Window

HOURS_PER_MONTH = Decimal(730)
PING_MS = 2  # a bare warm-up answer, rounded up to Lambda's 1 ms billing granularity
_REFERENCE_HOURS = 28 * 24


def window_hours_per_month(windows: tuple[Window, ...]) -> Decimal:
    """Hours per month the windows cover (from a four-week reference period)."""
    covered: set[Any] = set()
    for window in windows:
        covered |= window.utc_hours()
    return (Decimal(len(covered)) / _REFERENCE_HOURS * HOURS_PER_MONTH).quantize(Decimal("0.01"))


def usage_of(policy: FunctionPolicy, stack: Stack, method: str | None = None) -> Usage:
    """The monthly usage a function's policy causes (with ``method`` forced, for comparisons)."""
    function = stack.function(policy.function)
    hours = window_hours_per_month(policy.windows)
    if (method or policy.method) == "ping":
        pings = hours * 60 / policy.interval_minutes * policy.concurrency
        duration = HOLD_MS if policy.concurrency > 1 else PING_MS
        lam = LambdaFunction(
            name=function.name,
            requests=float(pings),
            duration_ms=duration,
            memory_mb=function.memory_mb,
            architecture=function.architecture,
        )
        return Usage.model_validate(
            {"lambda": [lam.model_dump()], "scheduler": SchedulerUsage(invocations=float(pings)).model_dump()}
        )
    provisioned = ProvisionedConcurrency(concurrency=policy.concurrency, hours=float(hours))
    lam = LambdaFunction(
        name=function.name, memory_mb=function.memory_mb, architecture=function.architecture, provisioned=provisioned
    )
    return Usage.model_validate({"lambda": [lam.model_dump()]})


@dataclass(frozen=True)
class FunctionCost:
    """The monthly cost of one function's policy, and of the other method for comparison."""

    function: str
    method: str
    concurrency: int
    window_hours: Decimal
    cost: Decimal
    ping_cost: Decimal
    provisioned_cost: Decimal

    @property
    def cheaper(self) -> str:
        return "ping" if self.ping_cost <= self.provisioned_cost else "provisioned"

    def to_dict(self) -> dict[str, Any]:
        return {
            "function": self.function,
            "method": self.method,
            "concurrency": self.concurrency,
            "window_hours": float(self.window_hours),
            "monthly_cost": float(self.cost),
            "ping_cost": float(self.ping_cost),
            "provisioned_cost": float(self.provisioned_cost),
            "cheaper": self.cheaper,
        }


def _price(usage: Usage, sheet: PriceSheet) -> Decimal:
    # no free tier: warm-up is priced as what it adds on top of real traffic
    return price_usage(usage, sheet, "none").total


def policy_costs(policy: Policy, stack: Stack, sheet: PriceSheet) -> list[FunctionCost]:
    """Per function: the policy's monthly cost, and both methods side by side (break-even)."""
    out = []
    for function_policy in policy.functions:
        ping = _price(usage_of(function_policy, stack, "ping"), sheet)
        provisioned = _price(usage_of(function_policy, stack, "provisioned"), sheet)
        out.append(
            FunctionCost(
                function=function_policy.function,
                method=function_policy.method,
                concurrency=function_policy.concurrency,
                window_hours=window_hours_per_month(function_policy.windows),
                cost=ping if function_policy.method == "ping" else provisioned,
                ping_cost=ping,
                provisioned_cost=provisioned,
            )
        )
    return out


def policy_usage(policy: Policy, stack: Stack) -> list[Usage]:
    """The usage of every function's policy as chosen (for `ops cost project`)."""
    return [usage_of(p, stack) for p in policy.functions]
