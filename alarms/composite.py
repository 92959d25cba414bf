"""The composite ServiceHealth alarm: ALARM when any critical alarm is.

CloudWatch allows 100 children per composite rule; a larger stack gets one composite per 100
critical alarms and a ServiceHealth over those.
"""

from __future__ import annotations

from collections.abc import Sequence

from alarms.rules.base import OVERVIEW, RuleContext
from alarms.spec import AlarmSpec, CompositeSpec

MAX_CHILDREN = 100
SERVICE_HEALTH = "service-health"


def _spec(ctx: RuleContext, slug: str, resource: str, children: Sequence[str]) -> CompositeSpec:
    return CompositeSpec(
        name=ctx.target.alarm_name(slug),
        slug=slug,
        resource=resource,
        means="Some part of the chat platform is failing users right now (a critical alarm fired).",
        action="Open the overview dashboard's alarm status; the triggering alarm below has its own runbook.",
        runbook=ctx.thresholds.runbook_link("service_health"),
        dashboard=ctx.target.dashboard_name(OVERVIEW),
        children=tuple(children),
    )


def service_health(ctx: RuleContext, alarms: Sequence[AlarmSpec]) -> list[CompositeSpec]:
    """The ServiceHealth composite (and its parts when there are over 100 critical alarms)."""
    critical = [a.name for a in alarms if a.severity == "critical"]
    if not critical:
        return []
    if len(critical) <= MAX_CHILDREN:
        return [_spec(ctx, SERVICE_HEALTH, "service health", critical)]
    parts = [
        _spec(ctx, f"{SERVICE_HEALTH}-part-{n + 1}", f"service health (part {n + 1})", critical[i : i + MAX_CHILDREN])
        for n, i in enumerate(range(0, len(critical), MAX_CHILDREN))
    ]
    if len(parts) > MAX_CHILDREN:
        raise ValueError(f"{len(critical)} critical alarms are more than two levels of composites can hold")
    return [*parts, _spec(ctx, SERVICE_HEALTH, "service health", [p.name for p in parts])]
