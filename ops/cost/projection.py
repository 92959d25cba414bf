"""Per-user rates -> one month of usage per user tier -> a bill per tier.

Function names, memory sizes and architectures come from the stack model (every function in
``stack.functions``, whatever others add to it), never from the metrics.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from infra.model import Stack

from kit.bill import Bill, Line
from kit.price_sheet import FreeTierMode, PriceSheet
from kit.pricing import price_usage
from kit.usage import CognitoPlan, Usage
from ops.cost.fixed_costs import FixedUsage
from ops.cost.rates import HOURS_PER_MONTH, FunctionRate, UserRates
from ops.cost.user_tiers import PUBLISHED_RANGES, UserTier, Verdict, verdict

DEFAULT_EPHEMERAL_MB = 512
TOP_DRIVERS = 5


@dataclass(frozen=True)
class ProjectionOptions:
    """How a tier's month is built from the rates.

    months_of_data
        Months of accumulated storage (messages, attachments): the projected month is the
        Nth month of the product's life, with every user having stored that many months.
    log_retention_days
        How long logs are kept; stored logs are counted uncompressed (an upper bound).
    trace_reservoir_per_second, trace_sampling_rate
        X-Ray's default sampling rule: the first request each second, then 5% of the rest,
        per function.
    point_in_time_recovery
        Whether the table's PITR backups are billed; ``ops cost project`` passes the stack
        model's ``Table.point_in_time_recovery``, the flag the template enables PITR from.
        AWS bills PITR on the table's size with its local secondary indexes, not its GSIs.
    """

    months_of_data: int = 12
    cognito_plan: CognitoPlan = "essentials"
    log_retention_days: int = 30
    free_tier: FreeTierMode = "always"
    trace_reservoir_per_second: float = 1.0
    trace_sampling_rate: float = 0.05
    point_in_time_recovery: bool = False


@dataclass(frozen=True)
class TierProjection:
    """One tier's month: the usage built for it, its bill, and how it compares."""

    tier: UserTier
    usage: Usage
    bill: Bill
    budget: Decimal | None = None

    @property
    def total(self) -> Decimal:
        """The tier's monthly total."""
        return self.bill.total

    @property
    def published_range(self) -> tuple[Decimal, Decimal] | None:
        """The architecture's published range for a tier of this name, if any."""
        return PUBLISHED_RANGES.get(self.tier.name)

    @property
    def verdict(self) -> Verdict | None:
        """``below``/``within``/``above`` the published range (None without one)."""
        published = self.published_range
        return None if published is None else verdict(self.total, published)

    @property
    def over_budget(self) -> bool:
        """True when a budget is set and the total exceeds it."""
        return self.budget is not None and self.total > self.budget

    def top_drivers(self, count: int = TOP_DRIVERS) -> list[tuple[str, Line]]:
        """The costliest lines, most expensive first."""
        lines = [(service, line) for service, line in self.bill.lines() if line.cost > 0]
        return sorted(lines, key=lambda pair: pair[1].cost, reverse=True)[:count]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        published = self.published_range
        total = self.total
        return {
            "name": self.tier.name,
            "users": self.tier.users,
            "total": float(total),
            "per_user": float(total / self.tier.users) if self.tier.users else 0.0,
            "services": {name: service.to_dict() for name, service in self.bill.services.items()},
            "published_range": None if published is None else {"low": float(published[0]), "high": float(published[1])},
            "verdict": self.verdict,
            "budget": None if self.budget is None else float(self.budget),
            "over_budget": self.over_budget,
            "top_drivers": [
                {
                    "service": service,
                    "item": line.item,
                    "cost": float(line.cost),
                    "share": float(line.cost / total) if total else 0.0,
                }
                for service, line in self.top_drivers()
            ],
        }


@dataclass(frozen=True)
class Projection:
    """Every tier's month, with the rates and fixed usage they were built from."""

    tiers: tuple[TierProjection, ...]
    rates: UserRates
    fixed: tuple[FixedUsage, ...]
    options: ProjectionOptions
    sheet: PriceSheet
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def over_budget(self) -> list[TierProjection]:
        """Tiers whose total exceeds their budget."""
        return [tier for tier in self.tiers if tier.over_budget]


def sampled_traces(requests: float, options: ProjectionOptions) -> float:
    """Traces X-Ray records in a month for ``requests`` under the default sampling rule."""
    reservoir = options.trace_reservoir_per_second * HOURS_PER_MONTH * 3600
    return min(requests, reservoir) + options.trace_sampling_rate * max(0.0, requests - reservoir)


def tier_usage(rates: UserRates, stack: Stack, users: int, options: ProjectionOptions) -> Usage:
    """One month of usage for ``users`` active users (fixed usage not included)."""
    functions = []
    traces = 0.0
    for function in stack.functions:
        rate = rates.functions.get(function.name, FunctionRate(0.0, 0.0))
        requests = rate.requests * users
        traces += sampled_traces(requests, options)
        functions.append(
            {
                "name": function.name,
                "requests": requests,
                "duration_ms": rate.duration_ms,
                "memory_mb": float(function.memory_mb),
                "architecture": function.architecture,
                # The model has no ephemeral storage size yet; Lambda's default is 512 MB.
                "ephemeral_storage_mb": float(getattr(function, "ephemeral_storage_mb", DEFAULT_EPHEMERAL_MB)),
            }
        )
    months = options.months_of_data
    table_gb = rates.dynamodb_growth_gb * users * months
    logs_gb = rates.logs_ingested_gb * users
    retention_months = min(options.log_retention_days * 24 / HOURS_PER_MONTH, float(months))
    return Usage.model_validate(
        {
            "lambda": functions,
            "apigateway": {
                "rest_requests": rates.rest_requests * users,
                "websocket_messages": rates.websocket_messages * users,
                "websocket_connection_minutes": rates.websocket_connection_minutes * users,
            },
            "dynamodb": {
                "write_request_units": rates.dynamodb_write_units * users,
                "read_request_units": rates.dynamodb_read_units * users,
                "storage_gb": table_gb,
                "pitr_storage_gb": (
                    rates.dynamodb_table_growth_gb * users * months if options.point_in_time_recovery else 0.0
                ),
            },
            "s3": {
                "storage_gb": rates.s3_growth_gb * users * months,
                "put_requests": rates.s3_put_requests * users,
                "get_requests": rates.s3_get_requests * users,
            },
            "cognito": {"monthly_active_users": float(users), "plan": options.cognito_plan},
            "cloudwatch": {"logs_ingested_gb": logs_gb, "logs_stored_gb": logs_gb * retention_months},
            "xray": {"traces_recorded": traces},
            "cloudfront": {
                "https_requests": rates.web_requests * users,
                "data_transfer_out_gb": rates.web_transfer_out_gb * users,
            },
            "data_transfer_out_gb": rates.data_transfer_out_gb * users,
        }
    )


def project(
    rates: UserRates,
    stack: Stack,
    tiers: Sequence[UserTier],
    sheet: PriceSheet,
    options: ProjectionOptions = ProjectionOptions(),
    fixed: Sequence[FixedUsage] = (),
    budgets: Mapping[str, Decimal] | None = None,
    derived: Sequence[Callable[[Usage], Usage]] = (),
) -> Projection:
    """Price a month for each tier.

    Parameters
    ----------
    rates
        Per-user monthly rates (:func:`ops.cost.rates.per_user_rates`).
    stack
        The stack model: functions, memory sizes, architectures.
    tiers
        User tiers to price.
    sheet
        The price sheet.
    options
        Storage accumulation, Cognito plan, log retention, sampling, free-tier mode.
    fixed
        Usage that every tier pays whatever its users: observability, warm-up (pass the
        warm-up policy's usage here once issue 8 provides it).
    budgets
        Monthly budget per tier name, for :attr:`Projection.over_budget`.
    derived
        Usage that follows from a tier's own usage, added to it: what the template's
        resources add once traffic flows (:func:`ops.cost.inventory.traffic_usage`).
    """
    budgets = budgets or {}
    projected = []
    for tier in tiers:
        usage = tier_usage(rates, stack, tier.users, options)
        for rule in derived:
            usage = usage.plus(rule(usage))
        for extra in fixed:
            usage = usage.plus(extra.usage)
        bill = price_usage(usage, sheet, options.free_tier)
        projected.append(TierProjection(tier=tier, usage=usage, bill=bill, budget=budgets.get(tier.name)))
    return Projection(
        tiers=tuple(projected),
        rates=rates,
        fixed=tuple(fixed),
        options=options,
        sheet=sheet,
        notes=rates.notes,
    )
