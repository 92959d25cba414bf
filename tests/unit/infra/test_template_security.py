"""Given a stage, then the data is encrypted, private, recoverable and (in prod) protected;
APIs are throttled, traced, logged and behind WAF; every checkov skip carries its reason."""

from __future__ import annotations

import json
from typing import Any

from infra import STACK
from infra.gateway_responses import GATEWAY_RESPONSES
from infra.template import checkov, names
from infra.template.waf import MANAGED_RULE_GROUPS, WEB_ACL

from tests.unit.infra.conftest import resources_of_type


def test_table_is_encrypted_recoverable_and_expires_items(dev_template: dict[str, Any]) -> None:
    table = dev_template["Resources"][STACK.table.logical_name]
    props = table["Properties"]
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    # dev's cost profile: DynamoDB's AWS owned key (prod keeps the stack's key, below)
    assert props["SSESpecification"] == {"SSEEnabled": False}
    assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert props["TimeToLiveSpecification"] == {"AttributeName": STACK.table.ttl_attribute, "Enabled": True}
    assert {i["IndexName"] for i in props["GlobalSecondaryIndexes"]} == {
        i.name for i in STACK.table.global_secondary_indexes
    }
    assert props["DeletionProtectionEnabled"] is False
    assert table["DeletionPolicy"] == "Delete"


def test_prod_retains_and_protects_its_data(prod_template: dict[str, Any]) -> None:
    resources = prod_template["Resources"]
    sse = resources[STACK.table.logical_name]["Properties"]["SSESpecification"]
    assert sse["KMSMasterKeyId"] == {"Ref": names.DATA_KEY}
    for logical_id in (
        STACK.table.logical_name,
        STACK.bucket.logical_name,
        STACK.user_pool.logical_name,
        names.DATA_KEY,
    ):
        assert resources[logical_id]["DeletionPolicy"] == "Retain", logical_id
        assert resources[logical_id]["UpdateReplacePolicy"] == "Retain", logical_id
    assert resources[STACK.table.logical_name]["Properties"]["DeletionProtectionEnabled"] is True
    assert resources[STACK.user_pool.logical_name]["Properties"]["DeletionProtection"] == "ACTIVE"


def test_bucket_is_private_encrypted_tls_only_with_lifecycle(prod_template: dict[str, Any]) -> None:
    resources = prod_template["Resources"]
    props = resources[STACK.bucket.logical_name]["Properties"]
    assert set(props["PublicAccessBlockConfiguration"].values()) == {True}
    (rule,) = props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    rules = {r["Id"]: r for r in props["LifecycleConfiguration"]["Rules"]}
    recordings = rules["recordings-to-cheaper-storage"]
    assert recordings["Prefix"] == STACK.bucket.recordings_prefix
    assert recordings["Transitions"] == [
        {
            "StorageClass": STACK.bucket.recordings_storage_class,
            "TransitionInDays": STACK.bucket.recordings_transition_days,
        }
    ]
    assert rules["clean-incomplete-multipart-uploads"]["AbortIncompleteMultipartUpload"] == {
        "DaysAfterInitiation": STACK.bucket.abort_incomplete_multipart_days
    }
    policy = resources[f"{STACK.bucket.logical_name}Policy"]["Properties"]["PolicyDocument"]
    deny = [s for s in policy["Statement"] if s["Effect"] == "Deny"]
    assert {"Bool": {"aws:SecureTransport": "false"}} in [s["Condition"] for s in deny]


def test_log_groups_are_encrypted_and_keep_the_stage_retention(
    dev_template: dict[str, Any], prod_template: dict[str, Any]
) -> None:
    for template, stage in ((dev_template, "dev"), (prod_template, "prod")):
        groups = resources_of_type(template, "AWS::Logs::LogGroup")
        waf = 1 if STACK.stage(stage).cost.waf else 0
        assert len(groups) >= len(STACK.functions) + 1 + waf  # functions, REST access, WAF
        for group in groups.values():
            assert group["Properties"]["RetentionInDays"] == STACK.stage(stage).log_retention_days
            if STACK.stage(stage).cost.customer_managed_key:
                assert group["Properties"]["KmsKeyId"] == {"Fn::GetAtt": [names.DATA_KEY, "Arn"]}
            else:  # CloudWatch Logs' own key
                assert "KmsKeyId" not in group["Properties"]


def test_rest_stage_is_throttled_traced_and_logged(dev_template: dict[str, Any]) -> None:
    stage = dev_template["Resources"][names.rest_stage_id(STACK)]["Properties"]
    assert stage["StageName"] == STACK.rest_api.stage
    assert stage["TracingEnabled"] is True
    (settings,) = stage["MethodSettings"]
    assert settings["ThrottlingRateLimit"] == STACK.rest_api.throttle_rate_limit
    assert settings["ThrottlingBurstLimit"] == STACK.rest_api.throttle_burst_limit
    assert settings["DataTraceEnabled"] is False
    fields = json.loads(stage["AccessLogSetting"]["Format"])
    assert {"requestId", "status", "ip"} <= set(fields)


def test_waf_guards_the_rest_stage_with_managed_rules_and_a_rate_limit(prod_template: dict[str, Any]) -> None:
    resources = prod_template["Resources"]
    acl = resources[WEB_ACL]["Properties"]
    groups = [r["Statement"]["ManagedRuleGroupStatement"]["Name"] for r in acl["Rules"] if "OverrideAction" in r]
    assert groups == [name for name, _ in MANAGED_RULE_GROUPS]
    (rate,) = [r for r in acl["Rules"] if "RateBasedStatement" in r["Statement"]]
    assert rate["Statement"]["RateBasedStatement"]["Limit"] == STACK.rest_api.waf_rate_limit_per_5min
    assert rate["Action"] == {"Block": {}}
    association = resources[f"{WEB_ACL}Association"]["Properties"]
    assert f"${{{names.rest_stage_id(STACK)}}}" in association["ResourceArn"]["Fn::Sub"]
    logging = resources[f"{WEB_ACL}Logging"]["Properties"]
    assert logging["RedactedFields"] == [{"SingleHeader": {"Name": "authorization"}}]


def test_alarm_topic_is_encrypted_and_only_cloudwatch_publishes(prod_template: dict[str, Any]) -> None:
    resources = prod_template["Resources"]
    assert resources[names.ALARM_TOPIC]["Properties"]["KmsMasterKeyId"] == {"Ref": names.DATA_KEY}
    statements = resources[names.ALARM_TOPIC_POLICY]["Properties"]["PolicyDocument"]["Statement"]
    allowed = [s for s in statements if s["Effect"] == "Allow"]
    assert [s["Principal"] for s in allowed] == [{"Service": "cloudwatch.amazonaws.com"}]


def test_key_rotates_and_lets_logs_and_alarms_use_it(prod_template: dict[str, Any]) -> None:
    key = prod_template["Resources"][names.DATA_KEY]["Properties"]
    assert key["EnableKeyRotation"] is True
    principals = [s["Principal"] for s in key["KeyPolicy"]["Statement"]]
    assert {"Service": "cloudwatch.amazonaws.com"} in principals
    assert {"Service": {"Fn::Sub": "logs.${AWS::Region}.amazonaws.com"}} in principals


def test_every_gateway_response_is_configured_in_the_error_shape(dev_template: dict[str, Any]) -> None:
    responses = {
        r["Properties"]["ResponseType"]: r["Properties"]
        for r in resources_of_type(dev_template, "AWS::ApiGateway::GatewayResponse").values()
    }
    assert set(responses) == set(GATEWAY_RESPONSES)
    for response_type, props in responses.items():
        body = json.loads(props["ResponseTemplates"]["application/json"])
        assert set(body["error"]) == {"code", "message"}
        expected = GATEWAY_RESPONSES[response_type].status
        assert props.get("StatusCode") == (None if expected is None else str(expected))


def test_every_checkov_skip_names_a_known_check_and_its_reason(
    dev_template: dict[str, Any], prod_template: dict[str, Any], extended_template: dict[str, Any]
) -> None:
    seen: set[str] = set()
    specific: set[str] = set()
    specific_reasons = {reason: key for key, reason in checkov.SPECIFIC_REASONS.items()}
    for template in (dev_template, prod_template, extended_template):
        for resource in template["Resources"].values():
            for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", []):
                if skip["comment"] in specific_reasons:
                    assert specific_reasons[skip["comment"]][0] == skip["id"]
                    specific.add(skip["comment"])
                else:
                    assert skip["comment"] == checkov.REASONS[skip["id"]]
                    seen.add(skip["id"])
                assert len(skip["comment"]) > 40
    # A reason nobody uses is a stale justification.
    assert seen == set(checkov.REASONS)
    assert specific == set(checkov.SPECIFIC_REASONS.values())


def test_dev_cost_profile_drops_waf_and_the_key_but_stays_encrypted(dev_template: dict[str, Any]) -> None:
    resources = dev_template["Resources"]
    assert not STACK.stage("dev").cost.waf and not STACK.stage("dev").cost.customer_managed_key
    assert not resources_of_type(dev_template, "AWS::WAFv2::WebACL")
    assert not resources_of_type(dev_template, "AWS::KMS::Key")
    assert "DataKey" not in json.dumps(dev_template)  # nothing points at a key that is not there
    bucket = resources[STACK.bucket.logical_name]["Properties"]["BucketEncryption"]
    assert bucket["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"}
    # Every finding the profile causes is skipped with its reason.
    skipped = {
        entry["id"]
        for resource in resources.values()
        for entry in resource.get("Metadata", {}).get("checkov", {}).get("skip", [])
    }
    assert {"CKV_AWS_119", "CKV_AWS_158", "CKV_AWS_173", "CKV_AWS_26"} <= skipped
