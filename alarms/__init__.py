"""Alarms generated from the stack model: AWS's recommended alarms for each resource, business
alarms, a composite ServiceHealth alarm, and the tools around them (render, diff, backtest).

``build_alarms(STACK, "prod")`` returns an ``AlarmSet``; ``alarms.render`` turns it into API
calls, template resources or files; ``alarms.template`` holds the template contributor that
``ops.deploy.synth`` lists. Thresholds live in ``alarms/thresholds.yaml``; the metric catalogue,
metric math and targets the rules are written in are ``kit``'s.
"""

from alarms.build import build_alarms
from alarms.config import Thresholds, ThresholdsError, load_thresholds
from alarms.spec import AlarmSet, AlarmSpec, CompositeSpec
from kit.target import Target, TargetError, template_target, twin_target

__all__ = [
    "AlarmSet",
    "AlarmSpec",
    "CompositeSpec",
    "Target",
    "TargetError",
    "Thresholds",
    "ThresholdsError",
    "build_alarms",
    "load_thresholds",
    "template_target",
    "twin_target",
]
