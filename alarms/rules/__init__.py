"""The alarm rules, one module per kind of resource; ``build_alarm_specs`` runs them all."""

from __future__ import annotations

from alarms.rules.apigateway import alarms as rest_alarms
from alarms.rules.base import RuleContext
from alarms.rules.business import alarms as business_alarms
from alarms.rules.canary import alarms as canary_alarms
from alarms.rules.cloudfront import alarms as cloudfront_alarms
from alarms.rules.cognito import alarms as cognito_alarms
from alarms.rules.dynamodb import alarms as dynamodb_alarms
from alarms.rules.lambdas import alarms as lambda_alarms
from alarms.rules.notifications import alarms as notification_alarms
from alarms.rules.s3 import alarms as s3_alarms
from alarms.rules.websocket import alarms as websocket_alarms
from alarms.spec import AlarmSpec

_RULES = (
    lambda_alarms,
    business_alarms,
    rest_alarms,
    websocket_alarms,
    dynamodb_alarms,
    s3_alarms,
    cloudfront_alarms,
    cognito_alarms,
    notification_alarms,
    canary_alarms,
)


def build_alarm_specs(ctx: RuleContext) -> list[AlarmSpec]:
    """Every metric alarm of the stack, in a stable order (rule by rule, resource by resource)."""
    specs: list[AlarmSpec] = []
    for rule in _RULES:
        specs.extend(rule(ctx))
    return specs


__all__ = ["RuleContext", "build_alarm_specs"]
