"""Usage that does not grow with users: dashboards, alarms, custom metrics, and (later) the
warm-up policy. Each is a :class:`FixedUsage` that a projection adds to every tier.

This is the plug-in point for warm-up (issue 8): a function that turns the warm-up policy
into ``FixedUsage`` (scheduler invocations and ping requests, or provisioned concurrency
hours on a function entry) is all ``ops cost project`` needs; nothing else changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from kit.usage import CloudWatchUsage, Usage


@dataclass(frozen=True)
class FixedUsage:
    """Usage added to every tier whatever its users; ``label`` says where it comes from."""

    label: str
    usage: Usage


def observability_usage(
    custom_metrics: int, dashboards: int = 0, alarms: int = 0, high_resolution_alarms: int = 0
) -> FixedUsage:
    """What observability costs each month, whatever the traffic.

    ``custom_metrics`` counts the app's EMF metrics, one per metric name and dimension set;
    ``ops cost project`` takes dashboards and alarms from the stage's template instead
    (:func:`ops.cost.idle.idle_fixed_usage`), so it passes only the metrics.
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
