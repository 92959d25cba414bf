"""What every dashboard builder reads: the stack model, where it runs, and its alarms."""

from __future__ import annotations

from dataclasses import dataclass, field

from infra.model import Function, Stack

from alarms.config import Thresholds
from alarms.spec import AlarmSet
from dashboards.graphs import AlarmIndex
from kit.target import Target

OVERVIEW = "overview"
COST = "cost"
ALARMS = "alarms"


def function_suffix(function: Function) -> str:
    """The name suffix of a function's detail dashboard (as the alarms link to it)."""
    return f"function-{function.name}"


def consolidated(stack: Stack, stage: str) -> bool:
    """Whether ``stage``'s cost profile keeps only the 3 free dashboards (overview, cost, alarm
    states) instead of one more per function; an unknown stage (a twin's) keeps them all."""
    return any(s.name == stage and s.cost.consolidated_dashboards for s in stack.stages)


@dataclass(frozen=True)
class DashboardContext:
    """The stack model, its target, and the alarm set whose thresholds the graphs draw."""

    stack: Stack
    target: Target
    alarm_set: AlarmSet
    thresholds: Thresholds
    index: AlarmIndex = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "index", AlarmIndex(self.alarm_set))

    @property
    def runbook_url(self) -> str:
        """The runbooks' URL."""
        return self.thresholds.runbook_url

    def name(self, suffix: str) -> str:
        """A dashboard's full name."""
        return self.target.dashboard_name(suffix)

    def console(self) -> str:
        """The CloudWatch console of the target's region."""
        region = self.target.region
        return f"https://{region}.console.aws.amazon.com/cloudwatch/home?region={region}"

    def dashboard_link(self, suffix: str) -> str:
        """A markdown link target to another of the stack's dashboards."""
        return f"{self.console()}#dashboards/dashboard/{self.name(suffix)}"
