"""Stack outputs: what a client or an operator needs to reach the deployed stack."""

from __future__ import annotations

from typing import Any

from infra.template import names
from infra.template.context import SynthContext
from infra.template.domain import DOMAIN
from infra.template.intrinsics import get_att, ref, sub


def outputs(ctx: SynthContext) -> dict[str, Any]:
    """REST and WebSocket URLs, pool and client ids, table, bucket, topic and key.

    Values use ``Ref``/``Fn::Sub`` only, never ``Fn::GetAtt`` of a Cognito or API Gateway v2
    resource, so the same template deploys on moto's CloudFormation, which skips those types.
    """
    stack = ctx.stack
    rest = stack.rest_api
    out: dict[str, Any] = {
        "RestApiUrl": {
            "Description": "Base URL of the REST API",
            "Value": sub(
                f"https://${{{rest.logical_name}}}.execute-api.${{AWS::Region}}.${{AWS::URLSuffix}}/{rest.stage}"
            ),
        },
        "UserPoolId": {"Description": "Cognito user pool id", "Value": ref(stack.user_pool.logical_name)},
        "UserPoolClientId": {
            "Description": "Cognito app client id",
            "Value": ref(names.user_pool_client_id(stack)),
        },
        "TableName": {"Description": "DynamoDB table", "Value": ref(stack.table.logical_name)},
        "BucketName": {"Description": "Media bucket", "Value": ref(stack.bucket.logical_name)},
        "AlarmTopicArn": {"Description": "SNS topic of the alarms", "Value": ref(names.ALARM_TOPIC)},
        "CustomDomainTarget": {
            "Condition": names.HAS_CUSTOM_DOMAIN,
            "Description": "DNS target (CNAME/alias) of the custom domain",
            "Value": get_att(DOMAIN, "RegionalDomainName"),
        },
    }
    web = stack.web
    if web is not None:
        out["WebUrl"] = {
            "Description": "URL of the web build (its cloudfront.net name; the alternate domain when given)",
            "Value": {
                "Fn::If": [
                    names.HAS_WEB_DOMAIN,
                    sub(f"https://${{{names.WEB_DOMAIN_PARAMETER}}}"),
                    sub(f"https://${{{web.distribution_logical_name}.DomainName}}"),
                ]
            },
        }
        out["WebBucketName"] = {"Description": "Bucket of the web build", "Value": ref(web.bucket_logical_name)}
        out["WebDistributionId"] = {
            "Description": "CloudFront distribution of the web build",
            "Value": ref(web.distribution_logical_name),
        }
    if ctx.customer_managed_key:
        out["DataKeyArn"] = {
            "Description": "KMS key encrypting the stack's data",
            "Value": get_att(names.DATA_KEY, "Arn"),
        }
    if ctx.has_websocket():
        ws = stack.websocket_api
        out["WebSocketUrl"] = {
            "Description": "URL of the WebSocket API (connect with ?token=<idToken>)",
            "Value": sub(f"wss://${{{ws.logical_name}}}.execute-api.${{AWS::Region}}.${{AWS::URLSuffix}}/{ws.stage}"),
        }
    return out
