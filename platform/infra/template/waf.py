"""The WAF web ACL on the REST stage: AWS managed rule groups plus a per-IP rate limit,
logged (with the Authorization header redacted) to an encrypted log group."""

from __future__ import annotations

from typing import Any

from infra.template import names
from infra.template.context import SynthContext
from infra.template.functions import log_group
from infra.template.intrinsics import arn, get_att

WEB_ACL = "RestWebAcl"
# (rule group, priority): common exploits, known bad inputs (incl. Log4j), IP reputation.
MANAGED_RULE_GROUPS = (
    ("AWSManagedRulesCommonRuleSet", 10),
    ("AWSManagedRulesKnownBadInputsRuleSet", 20),
    ("AWSManagedRulesAmazonIpReputationList", 30),
)


def _visibility(name: str) -> dict[str, Any]:
    return {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": name}


def web_acl(ctx: SynthContext) -> dict[str, Any]:
    """The web ACL: allow by default, managed groups, then the rate-based rule."""
    rules: list[dict[str, Any]] = [
        {
            "Name": group,
            "Priority": priority,
            "OverrideAction": {"None": {}},
            "Statement": {"ManagedRuleGroupStatement": {"VendorName": "AWS", "Name": group}},
            "VisibilityConfig": _visibility(group),
        }
        for group, priority in MANAGED_RULE_GROUPS
    ]
    rules.append(
        {
            "Name": "RatePerIp",
            "Priority": 100,
            "Action": {"Block": {}},
            "Statement": {
                "RateBasedStatement": {
                    "Limit": ctx.stack.rest_api.waf_rate_limit_per_5min,
                    "AggregateKeyType": "IP",
                }
            },
            "VisibilityConfig": _visibility("RatePerIp"),
        }
    )
    return {
        "Type": "AWS::WAFv2::WebACL",
        "Properties": {
            "Name": f"{ctx.prefix}-rest",
            "Scope": "REGIONAL",
            "DefaultAction": {"Allow": {}},
            "Rules": rules,
            "VisibilityConfig": _visibility(f"{ctx.prefix}-rest"),
        },
    }


def resources(ctx: SynthContext) -> dict[str, Any]:
    """Web ACL, its association with the REST stage, and its logging; nothing when the stage's
    cost profile does without WAF (the stage's throttling still bounds the load)."""
    if not ctx.stage.cost.waf:
        return {}
    api = ctx.stack.rest_api
    # WAF requires log group names to start with "aws-waf-logs-".
    log_group_name = f"aws-waf-logs-{ctx.prefix}"
    return {
        WEB_ACL: web_acl(ctx),
        f"{WEB_ACL}Association": {
            "Type": "AWS::WAFv2::WebACLAssociation",
            "Properties": {
                "ResourceArn": arn(
                    "apigateway",
                    f"/restapis/${{{api.logical_name}}}/stages/${{{names.rest_stage_id(ctx.stack)}}}",
                    account=False,
                ),
                "WebACLArn": get_att(WEB_ACL, "Arn"),
            },
        },
        f"{WEB_ACL}LogGroup": log_group(ctx, log_group_name),
        f"{WEB_ACL}Logging": {
            "Type": "AWS::WAFv2::LoggingConfiguration",
            # The destination ARN is built from the name (WAF rejects the ":*" of the group's Arn),
            # so the dependency on the group must be stated.
            "DependsOn": [f"{WEB_ACL}LogGroup"],
            "Properties": {
                "ResourceArn": get_att(WEB_ACL, "Arn"),
                "LogDestinationConfigs": [arn("logs", f"log-group:{log_group_name}")],
                "RedactedFields": [{"SingleHeader": {"Name": "authorization"}}],
            },
        },
    }
