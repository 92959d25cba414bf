"""Build every dashboard of a deployment from the stack model (and its alarms)."""

from __future__ import annotations

from infra.model import Stack

from alarms.build import build_alarms
from alarms.config import Thresholds, load_thresholds
from alarms.spec import AlarmSet
from dashboards import alarm_states, cost, function, overview
from dashboards.context import DashboardContext, consolidated
from dashboards.widgets import Dashboard
from kit.target import Target, template_target


def context(
    stack: Stack,
    stage: str,
    *,
    target: Target | None = None,
    thresholds: Thresholds | None = None,
    alarm_set: AlarmSet | None = None,
) -> DashboardContext:
    """The context the builders read (alarms built with the same target and thresholds)."""
    target = target or template_target(stack, stage)
    thresholds = thresholds or load_thresholds(stage)
    alarm_set = alarm_set or build_alarms(stack, stage, target=target, thresholds=thresholds)
    return DashboardContext(stack=stack, target=target, alarm_set=alarm_set, thresholds=thresholds)


def build_dashboards(
    stack: Stack,
    stage: str,
    *,
    target: Target | None = None,
    thresholds: Thresholds | None = None,
    alarm_set: AlarmSet | None = None,
) -> list[Dashboard]:
    """The overview, one dashboard per function, the cost and the alarm-states dashboards; only
    the overview, cost and alarm states (CloudWatch's 3 free dashboards) when the stage's cost
    profile consolidates them (the overview has a row per function already)."""
    ctx = context(stack, stage, target=target, thresholds=thresholds, alarm_set=alarm_set)
    per_function = [] if consolidated(stack, stage) else [function.dashboard(ctx, f) for f in stack.functions]
    return [overview.dashboard(ctx), *per_function, cost.dashboard(ctx), alarm_states.dashboard(ctx)]
