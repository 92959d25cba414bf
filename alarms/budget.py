"""A stage's alarms within its cost profile's alarm-metric budget (``infra.model.CostProfile``).

CloudWatch bills each metric an alarm reads ($0.10 a month; 10 are free), so a development
stage keeps only what fits: critical alarms, those about errors and failures first, then
throttles, then latency, then anything else; within a rank the alarms reading fewest metrics
first (a single-metric count alarm before a three-metric rate), then the model's order. The
rule reads the alarms' own attributes (severity, check, metrics), so alarms added later take
their place by it without a list of names to maintain. Composites keep only the kept children.
"""

from __future__ import annotations

from dataclasses import replace

from infra.model import Stack

from alarms.spec import AlarmSet, AlarmSpec, CompositeSpec

_RANKS = (("error", "fail", "5xx"), ("throttl",), ("latency", "duration"))


def rank(alarm: AlarmSpec) -> tuple[int, int]:
    """Where ``alarm`` stands in the budget: (what it watches, metrics it reads); lower first."""
    check = alarm.check.lower()
    kind = next((i for i, words in enumerate(_RANKS) if any(w in check for w in words)), len(_RANKS))
    return kind, len(alarm.metrics)


def within_budget(alarms: tuple[AlarmSpec, ...], budget: int) -> tuple[AlarmSpec, ...]:
    """The critical alarms kept within ``budget`` alarm metrics, in their original order."""
    kept: set[str] = set()
    spent = 0
    for alarm in sorted((a for a in alarms if a.severity == "critical"), key=rank):
        cost = len(alarm.metrics)
        if spent + cost <= budget:
            kept.add(alarm.name)
            spent += cost
    return tuple(a for a in alarms if a.name in kept)


def for_stage(alarm_set: AlarmSet, stack: Stack, stage: str) -> AlarmSet:
    """``alarm_set`` as ``stage``'s cost profile deploys it (unchanged without a budget)."""
    profile = stack.stage(stage).cost
    alarms = alarm_set.alarms
    if profile.alarm_metric_budget is not None:
        alarms = within_budget(alarms, profile.alarm_metric_budget)
    names = {a.name for a in alarms}
    composites: list[CompositeSpec] = []
    if profile.composite_alarm:
        # Parts come before the composite over them, and ServiceHealth before the composite it
        # suppresses: one pass keeps each composite whose children were kept.
        for composite in alarm_set.composites:
            children = tuple(n for n in composite.children if n in names)
            if not children:
                continue
            suppressor = composite.suppressor if composite.suppressor in names else None
            composites.append(replace(composite, children=children, suppressor=suppressor))
            names.add(composite.name)
    return AlarmSet(
        alarms=alarms,
        composites=tuple(composites),
        topic_arn=alarm_set.topic_arn,
        email_topic_arn=alarm_set.email_topic_arn,
    )
