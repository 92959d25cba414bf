"""The alarm states dashboard: every alarm of the stack, critical first."""

from __future__ import annotations

from dashboards.context import ALARMS, DashboardContext
from dashboards.overview import alarm_status_widgets
from dashboards.widgets import Dashboard, Section, Text


def dashboard(ctx: DashboardContext) -> Dashboard:
    """All alarms, by level."""
    composites = [c.name for c in ctx.alarm_set.composites]
    critical = [a.name for a in ctx.alarm_set.alarms if a.severity == "critical"]
    warning = [a.name for a in ctx.alarm_set.alarms if a.severity == "warning"]
    sections = [
        Section(
            "",
            (
                Text(
                    f"# {ctx.stack.name} ({ctx.target.stage}): alarms\n"
                    f"{len(ctx.alarm_set)} alarms from `alarms/thresholds.yaml`; runbooks: {ctx.runbook_url}",
                    height=2,
                ),
            ),
            header=False,
        ),
        Section("Critical", tuple(alarm_status_widgets(ctx, composites + critical, "Critical alarms"))),
    ]
    if warning:
        sections.append(Section("Warning", tuple(alarm_status_widgets(ctx, warning, "Warning alarms"))))
    return Dashboard(name=ctx.name(ALARMS), sections=tuple(sections))
