"""Provisioned concurrency in the local twin, applied the way `ops warmup apply` leaves it.

`ops warmup apply --endpoint-url <twin>` registers Application Auto Scaling scalable targets
and scheduled actions on each function's ``live`` alias, which moto stores but never acts on
(and moto answers Lambda's own provisioned-concurrency calls with 404). The twin reads them
back every ``interval_s`` and keeps that many initialized environments per function: a
target's MinCapacity, or, where scheduled actions exist, the MinCapacity of the action that
fired last (what Application Auto Scaling would have set by now).

The twin stands for one deployment: a policy applied with the twin's own names (``--info-file``)
or with any stage of the stack (``--stage prod``) reaches it.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import Any

from infra.model import Stack
from infra.template.names import LIVE_ALIAS
from infra.template.names import function_name as staged_function_name

from ops.local import names
from ops.local.provisioning import client
from ops.local.runtime import LambdaService
from ops.warmup.cron import CronError, parse

DIMENSION = "lambda:function:ProvisionedConcurrency"
_log = logging.getLogger(__name__)


def resource_ids(stack: Stack) -> dict[str, str]:
    """Scalable-target resource id -> function (model name) the twin answers for."""
    out: dict[str, str] = {}
    for function in stack.functions:
        out[names.provisioned_resource_id(stack, function)] = function.name
        for stage in stack.stages:
            out[f"function:{staged_function_name(stack, stage.name, function)}:{LIVE_ALIAS}"] = function.name
    return out


def _pages(call: Any, key: str, **kwargs: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    token = None
    for _ in range(100):
        response = call(**kwargs, **({"NextToken": token} if token else {}))
        items.extend(response.get(key, []))
        token = response.get("NextToken")
        if not token:
            break
    return items


def capacity(target: dict[str, Any], actions: list[dict[str, Any]], now: datetime) -> int:
    """Provisioned environments a scalable target asks for at ``now``."""
    latest: tuple[datetime, int] | None = None
    for action in actions:
        expression = str(action.get("Schedule", ""))
        try:
            fired = parse(expression).last_firing(now, action.get("Timezone") or "UTC")
        except (CronError, KeyError, ValueError):
            continue  # at() and rate() actions are not what `ops warmup` writes
        if fired is not None and (latest is None or fired > latest[0]):
            latest = (fired, int(action.get("ScalableTargetAction", {}).get("MinCapacity", 0)))
    if latest is not None:
        return max(0, min(latest[1], int(target["MaxCapacity"])))
    return int(target["MinCapacity"])


def desired_counts(autoscaling: Any, stack: Stack, now: datetime | None = None) -> dict[str, int]:
    """Provisioned environments per function (model name) that the stored targets ask for."""
    now = now or datetime.now(UTC)
    known = resource_ids(stack)
    targets = [
        t
        for t in _pages(autoscaling.describe_scalable_targets, "ScalableTargets", ServiceNamespace="lambda")
        if t.get("ScalableDimension") == DIMENSION and t["ResourceId"] in known
    ]
    if not targets:
        return {}
    actions = _pages(autoscaling.describe_scheduled_actions, "ScheduledActions", ServiceNamespace="lambda")
    counts: dict[str, int] = {}
    for target in targets:
        mine = [a for a in actions if a.get("ResourceId") == target["ResourceId"]]
        function = known[target["ResourceId"]]
        counts[function] = max(counts.get(function, 0), capacity(target, mine, now))
    return counts


class ProvisionedConcurrency:
    """Keeps the twin's provisioned environments where the stored scaling says."""

    def __init__(self, endpoint_url: str, stack: Stack, lambdas: LambdaService, interval_s: float = 1.0) -> None:
        self._autoscaling = client(endpoint_url, "application-autoscaling")
        self._stack = stack
        self._lambdas = lambdas
        self.interval_s = interval_s
        self.counts: dict[str, int] = {}

    async def sync(self) -> dict[str, int]:
        """Read the scaling once and start or stop environments to match; returns the counts."""
        counts = await asyncio.to_thread(desired_counts, self._autoscaling, self._stack)
        await self._lambdas.set_provisioned(counts)
        self.counts = counts
        return counts

    async def run(self) -> None:
        """Sync every ``interval_s`` until cancelled; a failed read is logged and retried."""
        while True:
            try:
                await self.sync()
            except Exception as error:  # the embedded AWS stopping, a moto gap: try again
                _log.warning("provisioned concurrency not synced: %s", error)
            await asyncio.sleep(self.interval_s)
