"""The dashboards' part of the CloudFormation template, registered as a template contributor.

Importing this module registers ``dashboard_resources`` (``infra.template.register_contributor``);
``ops`` imports it before synthesizing (``ops.deploy.synth.CONTRIBUTOR_MODULES``).
"""

from __future__ import annotations

from typing import Any

from infra.model import Stack
from infra.template import register_contributor

from alarms.budget import for_stage
from alarms.build import build_alarms
from alarms.target import template_target
from dashboards.build import build_dashboards
from dashboards.render import cloudformation_resources, render


def dashboard_resources(stack: Stack, stage: str) -> dict[str, Any]:
    """Template contributor: every dashboard of ``stage``, showing the alarms its cost profile
    deploys (``alarms.budget``)."""
    target = template_target(stack, stage)
    alarm_set = for_stage(build_alarms(stack, stage, target=target), stack, stage)
    dashboards = build_dashboards(stack, stage, target=target, alarm_set=alarm_set)
    return cloudformation_resources(render(dashboards, target.region))


register_contributor(dashboard_resources)
