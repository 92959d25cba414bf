"""The month of a stage with zero users, priced from its synthesized template.

Every resource of the template goes through :mod:`ops.cost.inventory`: priced resources add
their idle quantities (a key, a web ACL and its rules, dashboards, alarms, composite alarms),
warm-up resources add the warm-up policy the template was built from, and free ones are listed
with their reason. ``ops cost project`` adds the same lines to every tier (:func:`idle_fixed_usage`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from infra.model import Stack

from kit.bill import Bill
from kit.price_sheet import FreeTierMode, PriceSheet
from kit.pricing import price_usage
from kit.usage import Usage
from ops.cost.fixed_costs import FixedUsage
from ops.cost.inventory import InventoryLine, Priced, inventory, needs_warmup_policy
from ops.cost.rates import BYTES_PER_GB

# What one warm-up ping leaves behind besides its invocation: the WarmupPings and
# WarmupColdStarts EMF metrics of its function, and its log lines (START, the ping, END, REPORT).
WARMUP_METRICS_PER_FUNCTION = 2
WARMUP_LOG_BYTES_PER_PING = 1024.0
# The canary's own EMF metrics (its probes and their latency; ops.cost.scheduled_usage).
SCHEDULED_METRICS_PER_FUNCTION = 4


@dataclass(frozen=True)
class IdleMonth:
    """A stage's month at zero users: the bill, the template's inventory and what each meter buys."""

    stage: str
    bill: Bill
    inventory: tuple[InventoryLine, ...]
    buys: Mapping[str, list[str]]
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """``ops cost estimate``'s JSON document, each line with what it buys, plus the stage,
        the inventory (every resource type, priced or free) and the notes."""
        document = self.bill.to_dict()
        for service in document["services"].values():
            for line in service["lines"]:
                line["buys"] = "; ".join(self.buys.get(line["meter"], []))
        document["stage"] = self.stage
        document["inventory"] = [line.to_dict() for line in self.inventory]
        document["notes"] = list(self.notes)
        return document


def template_of(stack: Stack, stage: str) -> dict[str, Any]:
    """The complete template ``ops deploy`` would deploy for ``stage`` (contributors included)."""
    from ops.deploy.synth import build_template

    return build_template(stack, stage)


def warmup_policy_path() -> Path:
    """The warm-up policy the template's schedules are built from (the repository's warmup.yaml)."""
    from ops.warmup.template import REPOSITORY_POLICY

    return REPOSITORY_POLICY


def idle_usage_of(template: Mapping[str, Any], stack: Stack, policy: Path | None) -> tuple[Usage, list[str]]:
    """The template's idle usage, warm-up included when the template holds warm-up resources."""
    from ops.cost.inventory import idle_usage

    usage = idle_usage(template)
    notes: list[str] = []
    if needs_warmup_policy(template) and policy is not None and policy.exists():
        from ops.cost.warmup_usage import warmup_fixed_usage

        for fixed in warmup_fixed_usage(policy, stack):
            usage = usage.plus(fixed.usage)
            pings = fixed.usage.scheduler.invocations
            if pings:
                usage = usage.plus(
                    Usage.model_validate(
                        {
                            "cloudwatch": {
                                "custom_metrics": WARMUP_METRICS_PER_FUNCTION,
                                "logs_ingested_gb": pings * WARMUP_LOG_BYTES_PER_PING / BYTES_PER_GB,
                            }
                        }
                    )
                )
        notes.append(f"warm-up from {policy.name}: pings are Scheduler invocations plus short Lambda requests")
    scheduled = [f for f in stack.functions if f.schedule is not None]
    if scheduled and needs_warmup_policy(template):
        from ops.cost.scheduled_usage import scheduled_fixed_usage

        for fixed in scheduled_fixed_usage(stack):
            usage = usage.plus(fixed.usage)
            notes.append(f"scheduled function {fixed.label}: its runs, the REST request each makes, its logs")
        metrics = Usage.model_validate(
            {"cloudwatch": {"custom_metrics": SCHEDULED_METRICS_PER_FUNCTION * len(scheduled)}}
        )
        usage = usage.plus(metrics)
    notes.append("usage-driven meters (requests, storage, logs, KMS requests, WAF requests) are zero at idle")
    return usage, notes


def idle_month(
    stack: Stack,
    stage: str,
    sheet: PriceSheet,
    free_tier: FreeTierMode = "always",
    template: Mapping[str, Any] | None = None,
    policy: Path | None = None,
) -> IdleMonth:
    """Price ``stage``'s template at zero users.

    Raises
    ------
    KeyError
        ``stage`` is not one of the model's stages.
    ops.cost.inventory.UnknownResourceTypeError
        The template holds a resource type the registry does not know.
    """
    body = template_of(stack, stage) if template is None else template
    lines = inventory(body)
    usage, notes = idle_usage_of(body, stack, warmup_policy_path() if policy is None else policy)
    bill = price_usage(usage, sheet, free_tier)
    return IdleMonth(
        stage=stage, bill=bill, inventory=tuple(lines), buys=_buys(lines, usage, sheet), notes=tuple(notes)
    )


def _buys(lines: list[InventoryLine], usage: Usage, sheet: PriceSheet) -> dict[str, list[str]]:
    """For each billed meter, the resources whose idle usage put quantity on it."""
    out: dict[str, list[str]] = {}
    accounted = Usage()
    for line in lines:
        if isinstance(line.entry, Priced) and not line.entry.from_warmup_policy:
            accounted = accounted.plus(line.idle)
            for _, priced in price_usage(line.idle, sheet, "none").lines():
                out.setdefault(priced.meter, []).append(f"{line.entry.buys} ({line.resource_type} x{line.count})")
    warmup = [line for line in lines if isinstance(line.entry, Priced) and line.entry.from_warmup_policy]
    if warmup:
        own = {m.meter: m.quantity for _, m in price_usage(accounted, sheet, "none").lines()}
        for _, priced in price_usage(usage, sheet, "none").lines():
            if priced.quantity > own.get(priced.meter, 0):
                out.setdefault(priced.meter, []).extend(
                    f"{line.entry.buys} ({line.resource_type} x{line.count})"
                    for line in warmup
                    if isinstance(line.entry, Priced)
                )
    return out


def idle_fixed_usage(stack: Stack, stage: str, template: Mapping[str, Any] | None = None) -> FixedUsage:
    """The idle month of ``stage``'s template as fixed usage for a projection (warm-up left
    out: ``ops cost project`` adds the warm-up policy itself, ``--warmup-policy``)."""
    body = template_of(stack, stage) if template is None else template
    from ops.cost.inventory import idle_usage

    return FixedUsage(label=f"idle resources of the {stage} template", usage=idle_usage(body))
