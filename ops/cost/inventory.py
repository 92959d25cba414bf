"""The template is the inventory: every CloudFormation resource type a template of this
project can contain is either priced (the price-sheet meters it drives and the rule for their
quantity) or declared free (with the reason), in one registry.

``ops cost idle`` prices a stage's synthesized template at zero users from it, and
``ops cost project`` adds the same idle lines plus what the template's resources add once
traffic flows (WAF requests and logs, access logs, API Gateway detailed metrics, KMS
requests). A resource type missing from :data:`REGISTRY` is an error, never a silent $0: a test
synthesizes every stage with every optional feature on and fails on any type without an entry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kit.usage import Usage
from ops.cost.errors import CostInputError
from ops.cost.rates import BYTES_PER_GB, HOURS_PER_MONTH

# Usage in the usage file's layout: {"cloudwatch": {"alarms": 3}}.
Quantities = dict[str, dict[str, float]]
Rule = Callable[[Mapping[str, Any]], Quantities]

# API Gateway detailed metrics, per REST method: Count, Latency, IntegrationLatency, 4XXError,
# 5XXError (CacheHitCount/CacheMissCount only with a cache, which the stage has not); per
# WebSocket route: MessageCount, IntegrationError, ClientError, ExecutionError,
# IntegrationLatency. Published (and billed as custom metrics) only once traffic flows.
REST_METRICS_PER_METHOD = 5
WEBSOCKET_METRICS_PER_ROUTE = 5
# Assumptions for logs nobody measures yet (each use is printed in the report's notes): one
# access-log line (the stages' JSON format with its values) and one WAF log record (the request's
# headers, the rules evaluated) per request.
ACCESS_LOG_BYTES = 400.0
WAF_LOG_BYTES = 1500.0
# A service using a customer managed key asks KMS for a data key about every 5 minutes it is
# busy (DynamoDB's and CloudWatch Logs' caches; S3 with a bucket key): an upper bound with traffic
# in every hour of the month.
KMS_REQUESTS_PER_CONSUMER_HOUR = 12.0


class UnknownResourceTypeError(CostInputError):
    """A template holds resource types the registry neither prices nor declares free."""


def _none(_: Mapping[str, Any]) -> Quantities:
    return {}


@dataclass(frozen=True)
class Priced:
    """A resource type that costs money: the meters it drives, the rule for their quantity, what
    it buys, and its quantities in a month with zero users (``idle``)."""

    meters: tuple[str, ...]
    rule: str
    buys: str
    idle: Rule = _none
    # Its idle usage is the warm-up policy's (schedules, provisioned concurrency), not the resource's.
    from_warmup_policy: bool = False


@dataclass(frozen=True)
class Free:
    """A resource type AWS does not charge for, and why."""

    reason: str


Entry = Priced | Free


def _alarm(properties: Mapping[str, Any]) -> Quantities:
    # Alarms are billed per metric they evaluate: a metric-math alarm pays for each metric it
    # reads; a period under 60 s makes it high resolution.
    metrics = properties.get("Metrics")
    if metrics:
        stats = [m["MetricStat"] for m in metrics if "MetricStat" in m]
        count = float(len(stats))
        period = min((int(s.get("Period", 60)) for s in stats), default=60)
    else:
        count = 1.0
        period = int(properties.get("Period", 60))
    if "ThresholdMetricId" in properties:
        count *= 3  # an anomaly-detection alarm bills its metric and the band's two bounds
    key = "high_resolution_alarms" if period < 60 else "alarms"
    return {"cloudwatch": {key: count}}


REGISTRY: Mapping[str, Entry] = {
    # ------------------------------------------------------------------ priced
    "AWS::Lambda::Function": Priced(
        ("lambda.requests", "lambda.duration.arm64", "lambda.duration.x86_64"),
        "user invocations x mean duration x the model's memory (per tier, from the metrics)",
        "the API's and WebSocket's compute",
    ),
    "AWS::ApiGateway::RestApi": Priced(
        ("apigateway.rest_requests",),
        "REST requests per user x users (AWS/ApiGateway Count)",
        "the REST API's requests",
    ),
    "AWS::ApiGateway::Stage": Priced(
        ("cloudwatch.custom_metrics", "cloudwatch.logs_ingested_gb"),
        f"with MetricsEnabled: {REST_METRICS_PER_METHOD} detailed metrics per method once traffic flows; "
        f"access logs: {ACCESS_LOG_BYTES:g} bytes per request",
        "per-route latency and error metrics; an access log per request",
    ),
    "AWS::ApiGatewayV2::Api": Priced(
        ("apigateway.websocket_messages", "apigateway.websocket_connection_minutes"),
        "messages and connection minutes per user x users",
        "real-time messages to the apps",
    ),
    "AWS::ApiGatewayV2::Stage": Priced(
        ("cloudwatch.custom_metrics", "cloudwatch.logs_ingested_gb"),
        f"with DetailedMetricsEnabled: {WEBSOCKET_METRICS_PER_ROUTE} metrics per route once traffic flows; "
        f"access logs: {ACCESS_LOG_BYTES:g} bytes per message",
        "per-route WebSocket metrics; an access log per message",
    ),
    "AWS::DynamoDB::Table": Priced(
        (
            "dynamodb.write_request_units",
            "dynamodb.read_request_units",
            "dynamodb.storage_gb",
            "dynamodb.pitr_storage_gb",
        ),
        "request units per user x users; storage accumulated over --months; PITR on the table's size "
        "(LSIs in, GSIs out) when enabled",
        "every message, conversation, call and connection; 35 days of point-in-time recovery",
    ),
    "AWS::S3::Bucket": Priced(
        ("s3.storage_gb", "s3.put_requests", "s3.get_requests"),
        "bucket growth per user x users x months; PUT/GET per user x users",
        "attachments, avatars and call recordings",
    ),
    "AWS::Cognito::UserPool": Priced(
        ("cognito.mau.essentials", "cognito.mau.lite", "cognito.mau.plus"),
        "monthly active users = the tier's users, on the pool's plan",
        "sign-up, login and tokens",
    ),
    "AWS::CloudWatch::Alarm": Priced(
        ("cloudwatch.alarms", "cloudwatch.high_resolution_alarms"),
        "one alarm metric per metric evaluated (metric math: each metric read; anomaly detection: 3)",
        "being told when something breaks",
        _alarm,
    ),
    "AWS::CloudWatch::CompositeAlarm": Priced(
        ("cloudwatch.composite_alarms",),
        "one composite alarm a month",
        "one service-health signal over the critical alarms",
        lambda _: {"cloudwatch": {"composite_alarms": 1.0}},
    ),
    "AWS::CloudWatch::Dashboard": Priced(
        ("cloudwatch.dashboards",),
        "one dashboard a month (3 free)",
        "seeing the platform at a glance",
        lambda _: {"cloudwatch": {"dashboards": 1.0}},
    ),
    "AWS::Logs::LogGroup": Priced(
        ("cloudwatch.logs_ingested_gb", "cloudwatch.logs_stored_gb"),
        "bytes ingested (AWS/Logs IncomingBytes; access and WAF logs per request) and kept for the retention",
        "logs to debug from",
    ),
    "AWS::Logs::MetricFilter": Priced(
        ("cloudwatch.custom_metrics",),
        "one custom metric per filter, published once matching logs arrive",
        "a metric derived from logs",
    ),
    "AWS::KMS::Key": Priced(
        ("kms.keys", "kms.requests"),
        "one key a month; requests: about "
        f"{KMS_REQUESTS_PER_CONSUMER_HOUR:g} an hour per service using the key while traffic flows",
        "encryption at rest under a key the account controls (audit, revocation)",
        lambda _: {"kms": {"keys": 1.0}},
    ),
    "AWS::SNS::Topic": Priced(
        ("sns.publishes", "sns.http_notifications", "sns.email_notifications"),
        "one publish per alarm state change (none at idle)",
        "alarm notifications",
    ),
    "AWS::Scheduler::Schedule": Priced(
        ("scheduler.invocations", "lambda.requests", "lambda.duration.arm64", "apigateway.rest_requests"),
        "the warm-up policy the template is built from (a Scheduler invocation and a short Lambda request per "
        "ping) and the model's scheduled functions (the canary: each run, its REST request, its logs)",
        "warm functions without cold starts; an outage noticed within minutes (the canary)",
        from_warmup_policy=True,
    ),
    "AWS::ApplicationAutoScaling::ScalableTarget": Priced(
        ("lambda.provisioned_concurrency.arm64", "lambda.provisioned_duration.arm64"),
        "the warm-up policy's provisioned concurrency x hours x memory",
        "environments kept initialised in the policy's windows",
        from_warmup_policy=True,
    ),
    "AWS::WAFv2::WebACL": Priced(
        ("waf.web_acls", "waf.rules", "waf.requests", "cloudwatch.vended_logs_ingested_gb"),
        "one web ACL and each rule a month; every REST request inspected; "
        f"a {WAF_LOG_BYTES:g}-byte log record per request",
        "protection of the REST API from common exploits, bad inputs, bad IPs and floods",
        lambda properties: {"waf": {"web_acls": 1.0, "rules": float(len(properties.get("Rules", [])))}},
    ),
    "AWS::CloudFront::Distribution": Priced(
        ("cloudfront.https_requests", "cloudfront.data_transfer_out_gb", "cloudfront.invalidation_paths"),
        "web requests and bytes sent per user x users (AWS/CloudFront Requests, BytesDownloaded); "
        "invalidated paths of `ops deploy web`",
        "the web app delivered to browsers from the edge",
    ),
    # ------------------------------------------------------------------ free
    "AWS::CloudFront::OriginAccessControl": Free("how CloudFront signs its requests to the bucket: configuration"),
    "AWS::CloudFront::ResponseHeadersPolicy": Free(
        "response headers policies are free; requests bill on the distribution"
    ),
    "AWS::ApiGateway::Account": Free("an account setting (the CloudWatch role)"),
    "AWS::ApiGateway::Authorizer": Free("Cognito authorizers cost nothing; the requests are billed on the API"),
    "AWS::ApiGateway::BasePathMapping": Free("custom domain mappings are free"),
    "AWS::ApiGateway::Deployment": Free("a snapshot of the API's configuration"),
    "AWS::ApiGateway::DomainName": Free(
        "API Gateway charges nothing for custom domains (ACM public certificates are free)"
    ),
    "AWS::ApiGateway::GatewayResponse": Free("configuration of the API's error answers"),
    "AWS::ApiGateway::Method": Free("configuration; its requests are billed on the REST API"),
    "AWS::ApiGateway::Model": Free("configuration"),
    "AWS::ApiGateway::RequestValidator": Free("configuration"),
    "AWS::ApiGateway::Resource": Free("configuration"),
    "AWS::ApiGatewayV2::Deployment": Free("a snapshot of the API's configuration"),
    "AWS::ApiGatewayV2::Integration": Free("configuration; its messages are billed on the API"),
    "AWS::ApiGatewayV2::Route": Free("configuration; its messages are billed on the API"),
    "AWS::ApiGatewayV2::Authorizer": Free("configuration"),
    "AWS::CertificateManager::Certificate": Free("ACM public certificates are free"),
    "AWS::IAM::Role": Free("IAM is free"),
    "AWS::IAM::Policy": Free("IAM is free"),
    "AWS::IAM::ManagedPolicy": Free("IAM is free"),
    "AWS::KMS::Alias": Free("aliases are free; the key is billed"),
    "AWS::Lambda::Permission": Free("a resource policy statement"),
    "AWS::Lambda::EventInvokeConfig": Free("configuration of asynchronous invocation"),
    "AWS::Lambda::Version": Free("versions are free (their code counts towards the free 75 GB of storage)"),
    "AWS::Lambda::Alias": Free("aliases are free; provisioned concurrency on one is billed on its scalable target"),
    "AWS::S3::BucketPolicy": Free("a resource policy"),
    "AWS::SNS::TopicPolicy": Free("a resource policy"),
    "AWS::SNS::Subscription": Free("deliveries are billed per notification, with the topic's publishes"),
    "AWS::Scheduler::ScheduleGroup": Free("a namespace for schedules"),
    "AWS::Cognito::UserPoolClient": Free("app clients are free; users are billed on the pool"),
    "AWS::Cognito::UserPoolDomain": Free("the hosted domain is free"),
    "AWS::SSM::Parameter": Free("standard parameters are free"),
    "AWS::WAFv2::WebACLAssociation": Free("attaching the web ACL is free; the ACL is billed"),
    "AWS::WAFv2::LoggingConfiguration": Free("the logs it sends are billed with the web ACL (vended logs)"),
}


def entry(resource_type: str) -> Entry:
    """The registry's entry for ``resource_type``; UnknownResourceTypeError otherwise."""
    try:
        return REGISTRY[resource_type]
    except KeyError:
        raise UnknownResourceTypeError(
            f"resource type {resource_type} is neither priced nor declared free: add it to "
            "ops/cost/inventory.py REGISTRY"
        ) from None


def unregistered(template: Mapping[str, Any]) -> list[str]:
    """Resource types of ``template`` without a registry entry, sorted."""
    return sorted({r["Type"] for r in template["Resources"].values()} - set(REGISTRY))


@dataclass(frozen=True)
class InventoryLine:
    """The resources of one type in a template, their entry and their idle usage."""

    resource_type: str
    count: int
    entry: Entry
    idle: Usage = field(default_factory=Usage)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        if isinstance(self.entry, Free):
            return {"type": self.resource_type, "count": self.count, "priced": False, "reason": self.entry.reason}
        return {
            "type": self.resource_type,
            "count": self.count,
            "priced": True,
            "meters": list(self.entry.meters),
            "rule": self.entry.rule,
            "buys": self.entry.buys,
        }


def inventory(template: Mapping[str, Any]) -> list[InventoryLine]:
    """Every resource type of ``template`` with its count, entry and idle usage (template order).

    Raises
    ------
    UnknownResourceTypeError
        Naming every type without an entry.
    """
    missing = unregistered(template)
    if missing:
        raise UnknownResourceTypeError(
            f"resource types neither priced nor declared free: {', '.join(missing)} "
            "(add them to ops/cost/inventory.py REGISTRY)"
        )
    grouped: dict[str, list[Mapping[str, Any]]] = {}
    for resource in template["Resources"].values():
        grouped.setdefault(resource["Type"], []).append(resource.get("Properties", {}))
    lines = []
    for resource_type, resources in grouped.items():
        found = REGISTRY[resource_type]
        usage = Usage()
        if isinstance(found, Priced):
            for properties in resources:
                quantities = found.idle(properties)
                if quantities:
                    usage = usage.plus(Usage.model_validate(quantities))
        lines.append(InventoryLine(resource_type, len(resources), found, usage))
    return lines


def idle_usage(template: Mapping[str, Any]) -> Usage:
    """What ``template``'s resources use in a month with zero users (warm-up policy excluded)."""
    total = Usage()
    for line in inventory(template):
        total = total.plus(line.idle)
    return total


def needs_warmup_policy(template: Mapping[str, Any]) -> bool:
    """True when the template holds warm-up resources, whose usage is the warm-up policy's."""
    return any(isinstance(line.entry, Priced) and line.entry.from_warmup_policy for line in inventory(template))


def _resources(template: Mapping[str, Any], resource_type: str) -> list[Mapping[str, Any]]:
    return [r.get("Properties", {}) for r in template["Resources"].values() if r["Type"] == resource_type]


def _count(template: Mapping[str, Any], resource_type: str) -> int:
    return len(_resources(template, resource_type))


def traffic_usage(template: Mapping[str, Any], usage: Usage) -> Usage:
    """What ``template``'s resources add to a month of ``usage`` once users are there: WAF
    requests and logs, access logs, API Gateway detailed metrics, KMS requests.

    Zero for a month without traffic (an idle month), so idle + traffic is never counted twice.
    """
    api = usage.apigateway
    rest, ws = api.rest_requests, api.websocket_messages
    if rest + ws + sum(f.requests for f in usage.lambda_) <= 0:
        return Usage()
    metrics = 0.0
    access_log_requests = 0.0
    for stage in _resources(template, "AWS::ApiGateway::Stage"):
        if any(setting.get("MetricsEnabled") for setting in stage.get("MethodSettings", [])) and rest:
            metrics += REST_METRICS_PER_METHOD * _count(template, "AWS::ApiGateway::Method")
        if stage.get("AccessLogSetting"):
            access_log_requests += rest
    for stage in _resources(template, "AWS::ApiGatewayV2::Stage"):
        if stage.get("DefaultRouteSettings", {}).get("DetailedMetricsEnabled") and ws:
            metrics += WEBSOCKET_METRICS_PER_ROUTE * _count(template, "AWS::ApiGatewayV2::Route")
        if stage.get("AccessLogSettings"):
            access_log_requests += ws
    web_acls = _count(template, "AWS::WAFv2::WebACL")
    waf_requests = rest if web_acls else 0.0
    waf_logs = waf_requests * WAF_LOG_BYTES if _count(template, "AWS::WAFv2::LoggingConfiguration") else 0.0
    kms_requests = _kms_consumers(template) * KMS_REQUESTS_PER_CONSUMER_HOUR * HOURS_PER_MONTH
    return Usage.model_validate(
        {
            "cloudwatch": {
                "custom_metrics": metrics,
                "logs_ingested_gb": access_log_requests * ACCESS_LOG_BYTES / BYTES_PER_GB,
                "vended_logs_ingested_gb": waf_logs / BYTES_PER_GB,
            },
            "waf": {"requests": waf_requests},
            "kms": {"requests": kms_requests},
        }
    )


def _kms_consumers(template: Mapping[str, Any]) -> int:
    """Resources encrypted under one of the template's customer managed keys."""
    keys = {logical_id for logical_id, r in template["Resources"].items() if r["Type"] == "AWS::KMS::Key"}
    if not keys:
        return 0

    def uses_key(value: Any) -> bool:
        if isinstance(value, dict):
            if value.get("Ref") in keys:
                return True
            att = value.get("Fn::GetAtt")
            if isinstance(att, list) and att and att[0] in keys:
                return True
            return any(uses_key(v) for v in value.values())
        if isinstance(value, list):
            return any(uses_key(v) for v in value)
        return False

    consumers = ("AWS::DynamoDB::Table", "AWS::S3::Bucket", "AWS::Logs::LogGroup", "AWS::SNS::Topic")
    return sum(
        1 for r in template["Resources"].values() if r["Type"] in consumers and uses_key(r.get("Properties", {}))
    )


def described(lines: Iterable[InventoryLine]) -> dict[str, list[str]]:
    """For each meter, what it buys (the priced resource types that drive it)."""
    out: dict[str, list[str]] = {}
    for line in lines:
        if isinstance(line.entry, Priced):
            for meter in line.entry.meters:
                out.setdefault(meter, []).append(f"{line.entry.buys} ({line.resource_type} x{line.count})")
    return out
