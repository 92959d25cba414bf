"""The dashboards' part of the CloudFormation template: ``dashboard_resources``, a template
contributor (``infra.template.Contributor``) that ``ops.deploy.synth.contributors`` lists.
"""

from __future__ import annotations

from typing import Any

from infra.model import Stack

from alarms.target import template_target
from dashboards.build import build_dashboards
from dashboards.render import cloudformation_resources, render


def dashboard_resources(stack: Stack, stage: str) -> dict[str, Any]:
    """Template contributor: every dashboard of ``stage``."""
    target = template_target(stack, stage)
    return cloudformation_resources(render(build_dashboards(stack, stage, target=target), target.region))
