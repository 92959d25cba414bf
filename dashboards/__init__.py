"""CloudWatch dashboards generated from the stack model: an overview, one dashboard per
function, a cost dashboard and an alarm-states dashboard, with every alarm threshold drawn on
the graph of what it watches.

``build_dashboards(STACK, "prod")`` returns ``Dashboard`` models; ``dashboards.render.render``
splits, lays out and validates them into CloudWatch bodies; importing ``dashboards.template``
adds them to the CloudFormation template; ``dashboards.preview`` draws PNGs from recorded metrics.
"""

from dashboards.build import build_dashboards
from dashboards.render import RenderedDashboard, render
from dashboards.validate import DashboardInvalid, Problem, validate

__all__ = ["DashboardInvalid", "Problem", "RenderedDashboard", "build_dashboards", "render", "validate"]
