"""The dashboards' part of the CloudFormation template: ``dashboard_resources``, a template
contributor (``infra.template.Contributor``) that ``ops.deploy.synth.contributors`` lists.
"""

from __future__ import annotations

from typing import Any

from infra.model import Stack

from alarms.budget import for_stage
from alarms.build import build_alarms
from dashboards.build import build_dashboards
from dashboards.render import cloudformation_resources, render
from kit.target import template_target


def dashboard_resources(stack: Stack, stage: str) -> dict[str, Any]:
    """Template contributor: every dashboard of ``stage``, showing the alarms its cost profile
    deploys (``alarms.budget``)."""
    target = template_target(stack, stage)
    alarm_set = for_stage(build_alarms(stack, stage, target=target), stack, stage)
    dashboards = build_dashboards(stack, stage, target=target, alarm_set=alarm_set)
    return cloudformation_resources(render(dashboards, target.region))
