"""Typed description of the stack: the single source of truth for every other part.

Dashboards, alarms, warm-up, cost, the CloudFormation template and the local twin all read
function names, memory sizes, routes, table keys and API shapes from these objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

HttpMethod = Literal["GET", "POST", "PUT", "PATCH", "DELETE"]
Architecture = Literal["x86_64", "arm64"]
KeyType = Literal["S", "N", "B"]


@dataclass(frozen=True)
class RestRoute:
    """One REST route: method, path template (API Gateway style ``{param}``) and whether the
    Cognito authorizer guards it."""

    method: HttpMethod
    path: str
    authorized: bool = True


@dataclass(frozen=True)
class WebSocketRoute:
    """One WebSocket route key (``$connect``, ``$disconnect``, ``$default`` or an action)."""

    route_key: str


ResourceRef = Literal["table", "table_indexes", "bucket", "user_pool", "websocket_connections", "alarm_topic"]


@dataclass(frozen=True)
class Permission:
    """IAM actions a function needs on one of the stack's resources (least privilege: the
    template grants exactly these, scoped to that resource)."""

    resource: ResourceRef
    actions: tuple[str, ...]
    # Optional key prefix inside the resource (S3 object keys), e.g. "attachment/*".
    prefix: str | None = None


@dataclass(frozen=True)
class Function:
    """A Lambda function: what it runs, how big it is, and which routes it serves."""

    name: str
    handler: str
    description: str
    memory_mb: int = 512
    timeout_s: int = 10
    architecture: Architecture = "arm64"
    reserved_concurrency: int | None = None
    # An EventBridge Scheduler expression (``rate(1 minute)``, ``cron(...)``) that invokes the
    # function on its own, with no user traffic (the canary); the local twin invokes it too.
    schedule: str | None = None
    # Lambda runtime identifier; the deploy zip's wheels are built for its Python version.
    runtime: str = "python3.12"
    # /tmp size; SnapStart refuses more than 512 MB (the default).
    ephemeral_storage_mb: int = 512
    # Snapshot published versions (SnapStart); set from the warm-up policy (`method: snapstart`).
    snap_start: bool = False
    environment: dict[str, str] = field(default_factory=dict)
    rest_routes: tuple[RestRoute, ...] = ()
    websocket_routes: tuple[WebSocketRoute, ...] = ()
    permissions: tuple[Permission, ...] = ()

    @property
    def module(self) -> str:
        """Import path of the handler module (``backend.handlers.chat``)."""
        return self.handler.rsplit(".", 1)[0]

    @property
    def entry_point(self) -> str:
        """Name of the callable inside the module (``handler``)."""
        return self.handler.rsplit(".", 1)[1]


@dataclass(frozen=True)
class KeyAttribute:
    """A key attribute of a table or index."""

    name: str
    type: KeyType = "S"


@dataclass(frozen=True)
class GlobalSecondaryIndex:
    """A GSI; projection ALL unless ``projection`` lists the non-key attributes to keep."""

    name: str
    partition_key: KeyAttribute
    sort_key: KeyAttribute | None = None
    projection: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Table:
    """The single DynamoDB table (on-demand)."""

    logical_name: str
    partition_key: KeyAttribute
    sort_key: KeyAttribute
    ttl_attribute: str
    global_secondary_indexes: tuple[GlobalSecondaryIndex, ...] = ()
    # Continuous backups (PITR): the template enables them and the cost projection bills them
    # on the table's size (its local secondary indexes included, its GSIs not) from this flag.
    point_in_time_recovery: bool = True

    def attribute_definitions(self) -> list[KeyAttribute]:
        """Every attribute used as a key of the table or an index, each once."""
        seen: dict[str, KeyAttribute] = {}
        keys = [self.partition_key, self.sort_key]
        for index in self.global_secondary_indexes:
            keys.append(index.partition_key)
            if index.sort_key is not None:
                keys.append(index.sort_key)
        for key in keys:
            seen.setdefault(key.name, key)
        return list(seen.values())


@dataclass(frozen=True)
class Bucket:
    """The S3 bucket for attachments, avatars and call recordings."""

    logical_name: str
    recordings_prefix: str = "recording/"
    recordings_transition_days: int = 30
    recordings_storage_class: str = "STANDARD_IA"
    abort_incomplete_multipart_days: int = 7


# CloudFront edge locations a distribution serves from (cheapest first): North America and
# Europe; plus Asia, the Middle East and Africa; all of them.
PriceClass = Literal["PriceClass_100", "PriceClass_200", "PriceClass_All"]


@dataclass(frozen=True)
class WebHosting:
    """The web build of the client: a private bucket served by a CloudFront distribution.

    ``ops deploy web`` uploads the build; the distribution reads the bucket through Origin
    Access Control, answers HTTPS only, and turns the origin's 403/404 into ``/index.html``
    (the single-page app routes in the browser).
    """

    bucket_logical_name: str = "WebBucket"
    distribution_logical_name: str = "WebDistribution"
    # Edge locations served from; PriceClass_100 (North America, Europe) is the cheapest and
    # the others add latency-saving locations at higher per-GB prices.
    price_class: PriceClass = "PriceClass_100"
    index_document: str = "index.html"
    # Strict-Transport-Security max-age: two years, subdomains included.
    hsts_max_age_s: int = 63072000
    # How long CloudFront keeps the SPA fallback answer for a missing path.
    error_caching_min_ttl_s: int = 10

    def __post_init__(self) -> None:
        if self.price_class not in ("PriceClass_100", "PriceClass_200", "PriceClass_All"):
            raise ValueError(
                f"price_class must be PriceClass_100, PriceClass_200 or PriceClass_All, not {self.price_class!r}"
            )


@dataclass(frozen=True)
class UserPool:
    """The Cognito user pool and its app client."""

    logical_name: str
    client_name: str
    password_min_length: int = 8
    # Short-lived ID/access tokens bound how long a token lives on after a password change or
    # a revocation the API cannot see; logout voids them at once anyway (docs/reliability.md).
    id_token_validity_minutes: int = 15
    access_token_validity_minutes: int = 15
    refresh_token_validity_days: int = 30
    # Cognito threat protection (compromised credentials, adaptive authentication): "off",
    # "audit" (detect and log) or "enforced" (block risky sign-ins). It needs the Plus feature
    # plan, billed per monthly active user (``cognito.mau.plus`` in ops/cost/prices.yaml).
    threat_protection: str = "off"

    def __post_init__(self) -> None:
        if self.threat_protection not in ("off", "audit", "enforced"):
            raise ValueError(f"threat_protection must be off, audit or enforced, not {self.threat_protection!r}")

    @property
    def feature_plan(self) -> str:
        """The Cognito feature plan the pool needs: ``plus`` with threat protection, else ``essentials``."""
        return "essentials" if self.threat_protection == "off" else "plus"


@dataclass(frozen=True)
class RestApi:
    """The REST API: stage and throttling."""

    logical_name: str
    stage: str = "v1"
    throttle_rate_limit: float = 200.0
    throttle_burst_limit: int = 400
    # WAF rate-based rule: requests per client IP in any 5-minute window before blocking.
    waf_rate_limit_per_5min: int = 2000
    # Routes carrying text people write: the core rule set's body size and XSS rules only count
    # there (infra/waf_body_rules.py); the API enforces its own limits on them.
    waf_body_rules_exempt: tuple[tuple[str, str], ...] = (
        ("POST", "/conversations/{conversationId}/messages"),
        ("PATCH", "/me"),
    )


@dataclass(frozen=True)
class WebSocketApi:
    """The WebSocket API: stage and the frame field that selects the route."""

    logical_name: str
    stage: str = "v1"
    route_selection_expression: str = "$request.body.action"
    throttle_rate_limit: float = 100.0
    throttle_burst_limit: int = 200


@dataclass(frozen=True)
class CostProfile:
    """What a stage pays for whatever its traffic (see docs/cost.md, ``ops cost idle``).

    waf
        The WAF web ACL on the REST stage ($5 a month plus $1 a rule).
    customer_managed_key
        One customer managed KMS key for the table, bucket, logs, alarm topics and the
        functions' environment ($1 a month); without it each service uses its AWS owned or
        AWS managed key (no charge, no key policy of ours, no revocation).
    consolidated_dashboards
        Only the overview, cost and alarm-state dashboards (CloudWatch's 3 free ones) instead of
        one more per function.
    alarm_metric_budget
        Alarm metrics the stage's alarms may read in all (CloudWatch bills each metric an alarm
        reads; 10 are free); None keeps every alarm. Within a budget only critical alarms are
        kept, errors before throttles before latency, fewest metrics first
        (``alarms.budget``), so alarms added later compete by the same rule.
    composite_alarm
        The ServiceHealth composite alarm over the critical alarms ($0.50 a month).
    detailed_api_metrics
        API Gateway's per-method (REST) and per-route (WebSocket) metrics, billed as custom
        metrics once traffic flows: about 5 a method, $0.30 each a month (some $85 for this
        API). Stage-level metrics, which the dashboards and alarms read, are free either way.
    """

    waf: bool = True
    customer_managed_key: bool = True
    consolidated_dashboards: bool = False
    alarm_metric_budget: int | None = None
    composite_alarm: bool = True
    detailed_api_metrics: bool = True


# A development stage within the seed's $0-5 a month at idle: no WAF, AWS owned keys, no per-method
# API metrics, the 3 free dashboards, the critical alarms within the 10 free alarm metrics, the
# composite kept.
DEV_COST_PROFILE = CostProfile(
    waf=False,
    customer_managed_key=False,
    consolidated_dashboards=True,
    alarm_metric_budget=10,
    detailed_api_metrics=False,
)


@dataclass(frozen=True)
class StageSettings:
    """What differs between deployment stages (``ops deploy --stage``)."""

    name: str
    log_retention_days: int = 14
    # Deletion protection and a Retain policy on the table, bucket and user pool.
    protect_data: bool = False
    cost: CostProfile = CostProfile()
    # CORS always allows the web distribution's origin; extra origins (``CorsAllowOrigins``)
    # may be localhost or plain http only where this is True (dev); elsewhere ``ops deploy``
    # refuses anything but https origins.
    local_cors_origins: bool = False


DEFAULT_STAGES = (
    StageSettings("dev", log_retention_days=14, protect_data=False, cost=DEV_COST_PROFILE, local_cors_origins=True),
    StageSettings("prod", log_retention_days=365, protect_data=True),
)


@dataclass(frozen=True)
class Stack:
    """Everything the platform deploys."""

    name: str
    metrics_namespace: str
    functions: tuple[Function, ...]
    table: Table
    bucket: Bucket
    user_pool: UserPool
    rest_api: RestApi
    websocket_api: WebSocketApi
    stages: tuple[StageSettings, ...] = DEFAULT_STAGES
    # The web client's hosting (None: the stack serves no web build).
    web: WebHosting | None = None

    def stage(self, name: str) -> StageSettings:
        """The settings of stage ``name``; KeyError naming the known stages otherwise."""
        for stage in self.stages:
            if stage.name == name:
                return stage
        known = ", ".join(s.name for s in self.stages)
        raise KeyError(f"no stage {name!r} in the stack (known: {known})")

    def function(self, name: str) -> Function:
        """The function called ``name``; KeyError naming the known ones otherwise."""
        for function in self.functions:
            if function.name == name:
                return function
        known = ", ".join(f.name for f in self.functions)
        raise KeyError(f"no function {name!r} in the stack (known: {known})")

    def rest_routes(self) -> list[tuple[RestRoute, Function]]:
        """Every REST route with the function serving it."""
        return [(route, f) for f in self.functions for route in f.rest_routes]

    def function_for_route(self, method: str, path: str) -> Function | None:
        """The function serving ``method path`` (path template form), or None."""
        for route, function in self.rest_routes():
            if route.method == method and route.path == path:
                return function
        return None
