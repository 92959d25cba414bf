"""The composite alarms that speak for the others: one notification per incident.

- **ServiceHealth**: ALARM when any critical alarm is, and the one alarm that pages people
  about them. Its children have no actions of their own, so an incident is one ALARM
  notification (listing the triggering children, each with its runbook) and one OK.
- **Warnings**: ALARM when any warning is; the one heads-up about them, with ServiceHealth as
  its actions suppressor (CloudWatch's ``ActionsSuppressor``): while ServiceHealth pages, or
  shortly before and after, the warnings that come with the same incident say nothing more.

CloudWatch allows 100 children per composite rule; a larger stack gets one composite per 100
alarms and a composite over those (only the top one notifies).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from alarms.rules.base import OVERVIEW, RuleContext
from alarms.spec import AlarmSpec, CompositeSpec, Severity

MAX_CHILDREN = 100
SERVICE_HEALTH = "service-health"
WARNINGS = "warnings"
# A warning that fires up to this long before ServiceHealth belongs to the same incident and
# waits for it; one that stays after ServiceHealth's OK for this long is its aftermath.
SUPPRESSOR_WAIT_S = 300
SUPPRESSOR_EXTENSION_S = 600

_TEXT: dict[Severity, tuple[str, str]] = {
    "critical": (
        "Some part of the chat platform is failing users right now (a critical alarm fired).",
        "Open the overview dashboard's alarm status; each triggering alarm listed below links its own runbook "
        "section and graph.",
    ),
    "warning": (
        "Something is drifting towards trouble (a warning fired); users are not failing yet, or ServiceHealth "
        "would be paging instead.",
        "Look during working hours: each triggering alarm listed below links its own runbook section and graph.",
    ),
}


def _spec(
    ctx: RuleContext, slug: str, resource: str, children: Sequence[str], severity: Severity, notifies: bool
) -> CompositeSpec:
    means, action = _TEXT[severity]
    return CompositeSpec(
        name=ctx.target.alarm_name(slug),
        slug=slug,
        resource=resource,
        means=means,
        action=action,
        runbook=ctx.thresholds.runbook_link("service_health" if severity == "critical" else "warnings"),
        dashboard=ctx.target.dashboard_name(OVERVIEW),
        children=tuple(children),
        severity=severity,
        notifies=notifies,
    )


def _tree(
    ctx: RuleContext, slug: str, resource: str, children: Sequence[str], severity: Severity
) -> list[CompositeSpec]:
    if len(children) <= MAX_CHILDREN:
        return [_spec(ctx, slug, resource, children, severity, True)]
    chunks = [children[i : i + MAX_CHILDREN] for i in range(0, len(children), MAX_CHILDREN)]
    parts = [
        _spec(ctx, f"{slug}-part-{n + 1}", f"{resource} (part {n + 1})", chunk, severity, False)
        for n, chunk in enumerate(chunks)
    ]
    if len(parts) > MAX_CHILDREN:
        raise ValueError(f"{len(children)} {severity} alarms are more than two levels of composites can hold")
    return [*parts, _spec(ctx, slug, resource, [p.name for p in parts], severity, True)]


def service_health(ctx: RuleContext, alarms: Sequence[AlarmSpec]) -> list[CompositeSpec]:
    """The ServiceHealth composite (and its parts when there are over 100 critical alarms)."""
    # Its children are the alarms that do not notify themselves (route "composite").
    critical = [a.name for a in alarms if a.route == "composite"]
    if not critical:
        return []
    return _tree(ctx, SERVICE_HEALTH, "service health", critical, "critical")


def warnings(ctx: RuleContext, alarms: Sequence[AlarmSpec], suppressor: str | None) -> list[CompositeSpec]:
    """The Warnings composite (and its parts), its actions suppressed by ``suppressor``
    (ServiceHealth's name) when there is one."""
    children = [a.name for a in alarms if a.route == "warnings"]
    if not children:
        return []
    tree = _tree(ctx, WARNINGS, "warnings", children, "warning")
    if suppressor is None:
        return tree
    top = replace(
        tree[-1],
        suppressor=suppressor,
        suppressor_wait_s=SUPPRESSOR_WAIT_S,
        suppressor_extension_s=SUPPRESSOR_EXTENSION_S,
    )
    return [*tree[:-1], top]


def composites(ctx: RuleContext, alarms: Sequence[AlarmSpec]) -> list[CompositeSpec]:
    """Every composite of the stack: ServiceHealth first, then Warnings suppressed by it."""
    health = service_health(ctx, alarms)
    return [*health, *warnings(ctx, alarms, health[-1].name if health else None)]
