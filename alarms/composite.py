"""The composite ServiceHealth alarm: ALARM when any critical alarm is, and the one alarm that
notifies people about them. Its children have no actions of their own, so an incident is one
ALARM notification (listing the triggering children, each with its runbook) and one OK.

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
        action=(
            "Open the overview dashboard's alarm status; each triggering alarm listed below links its own runbook "
            "section and graph."
        ),
        runbook=ctx.thresholds.runbook_link("service_health"),
        dashboard=ctx.target.dashboard_name(OVERVIEW),
        children=tuple(children),
    )


def service_health(ctx: RuleContext, alarms: Sequence[AlarmSpec]) -> list[CompositeSpec]:
    """The ServiceHealth composite (and its parts when there are over 100 critical alarms)."""
    # Its children are the alarms that do not notify themselves (route "composite"): one
    # notification per incident, naming the children that triggered it.
    critical = [a.name for a in alarms if a.route == "composite"]
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
