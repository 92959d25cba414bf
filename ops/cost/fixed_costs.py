"""Usage that does not grow with users: dashboards, alarms, custom metrics, and (later) the
warm-up policy. Each is a :class:`FixedUsage` that a projection adds to every tier.

This is the plug-in point for warm-up (issue 8): a function that turns the warm-up policy
into ``FixedUsage`` (scheduler invocations and ping requests, or provisioned concurrency
hours on a function entry) is all ``ops cost project`` needs; nothing else changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from infra.model import Stack

from ops.cost.usage import CloudWatchUsage, Usage

# Alarms per function (errors, throttles, duration) and for the APIs, table and business
# metrics, as DESIGN.md lays out the generated alarms; used only without --alarms or CloudWatch.
ALARMS_PER_FUNCTION = 3
OTHER_ALARMS = 10


@dataclass(frozen=True)
class FixedUsage:
    """Usage added to every tier whatever its users; ``label`` says where it comes from."""

    label: str
    usage: Usage


def observability_usage(
    custom_metrics: int, dashboards: int, alarms: int, high_resolution_alarms: int = 0
) -> FixedUsage:
    """What the observability kit costs each month, whatever the traffic.

    ``custom_metrics`` counts the app's EMF metrics, one per metric name and dimension set.
    """
    return FixedUsage(
        label="observability: custom metrics, dashboards, alarms",
        usage=Usage(
            cloudwatch=CloudWatchUsage(
                custom_metrics=custom_metrics,
                dashboards=dashboards,
                alarms=alarms,
                high_resolution_alarms=high_resolution_alarms,
            )
        ),
    )


def estimated_dashboards(stack: Stack) -> int:
    """Dashboards the kit generates: the overview, alarm status, and one per function."""
    return 2 + len(stack.functions)


def estimated_alarms(stack: Stack) -> int:
    """Standard alarms the kit is expected to generate (see module constants)."""
    return ALARMS_PER_FUNCTION * len(stack.functions) + OTHER_ALARMS
