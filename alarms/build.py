"""Build every alarm of a deployment from the stack model."""

from __future__ import annotations

from infra.model import Stack

from alarms.composite import composites
from alarms.config import Thresholds, load_thresholds
from alarms.rules import RuleContext, build_alarm_specs
from alarms.spec import AlarmSet
from kit.target import Target, template_target


def build_alarms(
    stack: Stack,
    stage: str,
    *,
    target: Target | None = None,
    thresholds: Thresholds | None = None,
) -> AlarmSet:
    """The metric alarms and the composites (ServiceHealth, Warnings) of ``stack`` in ``stage``.

    ``target`` defaults to the CloudFormation template's view of the names, ``thresholds`` to the
    packaged config of ``stage``.
    """
    target = target or template_target(stack, stage)
    thresholds = thresholds or load_thresholds(stage)
    ctx = RuleContext(stack=stack, target=target, thresholds=thresholds)
    alarms = build_alarm_specs(ctx)
    return AlarmSet(
        alarms=tuple(alarms),
        composites=tuple(composites(ctx, alarms)),
        topic_arn=target.alarm_topic_arn,
        email_topic_arn=target.email_topic_arn if ctx.alarm_path_route == "alarm_path" else None,
    )
