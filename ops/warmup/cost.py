"""What a warm-up policy costs per month, priced with the project's price sheet (ops.cost).

Pings: one Scheduler invocation and one Lambda request per ping, each billed for its
duration (the hold when several environments are kept warm, else about 2 ms) at the
function's memory. Provisioned: the provisioned-concurrency charge for every GB-second the
environments are held, whether traffic comes or not. SnapStart: the snapshot cache of the live
version for the whole month (it is on all the time), plus one restore per environment for every
hour of the policy's windows (``RESTORES_PER_ENVIRONMENT_HOUR``, a planning assumption: Lambda
recycles environments within hours; the break-even says how many restores it takes to lose).
A month is 730 hours, as AWS prices it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from infra.model import Stack

from kit.usage import LambdaFunction, ProvisionedConcurrency, SchedulerUsage, SnapStart, Usage
from ops.cost.price_sheet import PriceSheet
from ops.cost.pricing import price_usage
from ops.warmup.desired import HOLD_MS
from ops.warmup.policy import FunctionPolicy, Policy, Window

HOURS_PER_MONTH = Decimal(730)
RESTORES_PER_ENVIRONMENT_HOUR = Decimal(1)
SNAPSTART_CACHE = "lambda.snapstart_cache"
SNAPSTART_RESTORE = "lambda.snapstart_restore"
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
    if (method or policy.method) == "snapstart":
        # The live version's snapshot cached all month; one restore per environment per
        # window hour (the same assumption as snapstart_cost).
        restores = RESTORES_PER_ENVIRONMENT_HOUR * policy.concurrency * hours
        lam = LambdaFunction(
            name=function.name,
            memory_mb=function.memory_mb,
            architecture=function.architecture,
            snapstart=SnapStart(cached_hours=float(HOURS_PER_MONTH), restores=float(restores)),
        )
        return Usage.model_validate({"lambda": [lam.model_dump()]})
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
    snapstart_cost: Decimal = Decimal(0)
    snapstart_restores: Decimal = Decimal(0)
    snapstart_break_even_restores: Decimal = Decimal(0)

    @property
    def cheaper(self) -> str:
        costs = {"ping": self.ping_cost, "provisioned": self.provisioned_cost, "snapstart": self.snapstart_cost}
        return min(costs, key=lambda method: costs[method])

    def to_dict(self) -> dict[str, Any]:
        return {
            "function": self.function,
            "method": self.method,
            "concurrency": self.concurrency,
            "window_hours": float(self.window_hours),
            "monthly_cost": float(self.cost),
            "ping_cost": float(self.ping_cost),
            "provisioned_cost": float(self.provisioned_cost),
            "snapstart_cost": float(self.snapstart_cost),
            "snapstart_restores": float(self.snapstart_restores),
            "snapstart_break_even_restores": float(self.snapstart_break_even_restores),
            "cheaper": self.cheaper,
        }


def _price(usage: Usage, sheet: PriceSheet) -> Decimal:
    # no free tier: warm-up is priced as what it adds on top of real traffic
    return price_usage(usage, sheet, "none").total


def snapstart_cost(policy: FunctionPolicy, stack: Stack, sheet: PriceSheet) -> tuple[Decimal, Decimal, Decimal]:
    """(monthly cost, restores assumed, cache-only cost) of SnapStart for ``policy``'s function:
    the live version's snapshot cached all month, and one restore per environment per window
    hour. The cost is the pricing engine's bill of :func:`usage_of` (one engine for plans and
    projections)."""
    usage = usage_of(policy, stack, "snapstart")
    (function,) = usage.lambda_
    memory_gb = Decimal(function.memory_mb) / 1024
    cache = memory_gb * Decimal(function.snapstart.cached_hours) * 3600 * sheet.meter(SNAPSTART_CACHE).tiers[0].price
    return _price(usage, sheet).quantize(Decimal("0.01")), Decimal(function.snapstart.restores), cache


def policy_costs(policy: Policy, stack: Stack, sheet: PriceSheet) -> list[FunctionCost]:
    """Per function: the policy's monthly cost, and the three methods side by side, with the
    number of restores a month at which SnapStart stops being cheaper than the cheaper of the
    other two (its break-even)."""
    out = []
    for function_policy in policy.functions:
        # Each method is priced for the same N environments over the same windows.
        ping = _price(usage_of(function_policy, stack, "ping"), sheet)
        provisioned = _price(usage_of(function_policy, stack, "provisioned"), sheet)
        snapstart, restores, cache = snapstart_cost(function_policy, stack, sheet)
        memory_gb = Decimal(stack.function(function_policy.function).memory_mb) / 1024
        per_restore = memory_gb * sheet.meter(SNAPSTART_RESTORE).tiers[0].price
        break_even = max(Decimal(0), (min(ping, provisioned) - cache) / per_restore).quantize(Decimal(1))
        chosen = {"ping": ping, "provisioned": provisioned, "snapstart": snapstart}[function_policy.method]
        out.append(
            FunctionCost(
                function=function_policy.function,
                method=function_policy.method,
                concurrency=function_policy.concurrency,
                window_hours=window_hours_per_month(function_policy.windows),
                cost=chosen,
                ping_cost=ping,
                provisioned_cost=provisioned,
                snapstart_cost=snapstart,
                snapstart_restores=restores,
                snapstart_break_even_restores=break_even,
            )
        )
    return out


def policy_usage(policy: Policy, stack: Stack) -> list[Usage]:
    """The usage of every function's policy as chosen (for `ops cost project`)."""
    return [usage_of(p, stack) for p in policy.functions]
