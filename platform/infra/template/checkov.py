"""Checkov findings the template accepts on purpose, each with its reason.

A skip lives in the resource's ``Metadata`` (where checkov reads it and a reviewer sees it);
the reasons are kept here once so that the same finding is justified the same way everywhere
and docs/deploy.md can list them.
"""

from __future__ import annotations

from typing import Any

REASONS: dict[str, str] = {
    "CKV_AWS_116": (
        "The API functions are invoked synchronously by API Gateway, and a dead-letter queue applies "
        "only to asynchronous invocations. The notifier, invoked asynchronously by SNS, sends events "
        "that failed their retries to the on-failure destination of its EventInvokeConfig (the alarm "
        "email topic), which replaces a dead-letter queue."
    ),
    "CKV_AWS_117": (
        "Reaches only AWS service endpoints (DynamoDB, S3, Cognito, API Gateway) over TLS with IAM "
        "auth; a VPC would add NAT gateway cost and cold-start latency for no reachable private resource."
    ),
    "CKV_AWS_115": (
        "The stack model sets no reserved concurrency for this function: reserving it would cap the "
        "function and take capacity from the account pool; API Gateway throttling bounds the load instead."
    ),
    "CKV_AWS_120": (
        "Every answer depends on the caller's identity and changes with each message; a stage cache "
        "would serve stale or other users' data and costs an hourly fee."
    ),
    "CKV_AWS_59": (
        "Public by design (docs/api.md): the health check, sign-up, confirmation, login and refresh are "
        "called before the client has a token; each handler validates its input."
    ),
    "CKV_AWS_18": (
        "Objects are reached only through short-lived presigned URLs issued by the functions, which "
        "log each issue; S3 server access logs would need a second bucket (itself unlogged) and cost; "
        "enable CloudTrail S3 data events account-wide where an audit trail of reads is required."
    ),
    # The web distribution (infra/template/web.py).
    "CKV_AWS_68": (
        "The distribution serves the static web build only (GET and HEAD of public files, no forms, "
        "no API): a WAF web ACL ($5 a month plus rules and requests) would inspect nothing an attacker "
        "can change; the REST API, which takes input, has its own web ACL."
    ),
    "CKV_AWS_86": (
        "CloudFront standard logs need a second bucket with ACLs enabled (against the stack's "
        "BucketOwnerEnforced rule), itself unlogged, and storage for a line per request of public files; "
        "the distribution's CloudWatch metrics (requests, bytes, 4xx and 5xx rates) are alarmed on and "
        "drawn on the overview dashboard."
    ),
    "CKV_AWS_174": (
        "Without the WebDomainName parameter the distribution uses the cloudfront.net certificate, "
        "whose minimum protocol CloudFront fixes (TLSv1); with an alternate domain the template sets "
        "TLSv1.2_2021 (the parameter decides, which checkov cannot evaluate)."
    ),
    # A development stage's cost profile (docs/cost.md): AWS owned and managed keys instead of
    # the stack's customer managed key, which costs $1 a month plus requests.
    "CKV_AWS_119": (
        "The stage's cost profile does without the customer managed key: the table is encrypted at "
        "rest with DynamoDB's AWS owned key (no charge). Production stages keep the stack's own key."
    ),
    "CKV_AWS_173": (
        "The stage's cost profile does without the customer managed key: Lambda encrypts environment "
        "variables with its AWS managed key. They hold names and URLs, no secrets."
    ),
    "CKV_AWS_158": (
        "The stage's cost profile does without the customer managed key: CloudWatch Logs encrypts the "
        "group at rest with its own key."
    ),
    "CKV_AWS_26": (
        "The stage's cost profile does without the customer managed key, and CloudWatch alarms cannot "
        "publish to a topic under the AWS managed SNS key; alarm notifications carry no user data."
    ),
}


# Findings whose reason differs by resource: (check id, resource kind) -> reason.
SPECIFIC_REASONS: dict[tuple[str, str], str] = {
    ("CKV_AWS_18", "web-bucket"): (
        "The web bucket holds the public web build and is read only by CloudFront (Origin Access "
        "Control); its readers are the distribution's requests, counted in its metrics. Server access "
        "logs would need a second bucket (itself unlogged) and cost."
    ),
}


def with_specific_skip(resource: dict[str, Any], check_id: str, kind: str) -> dict[str, Any]:
    """``resource`` with the skip of ``check_id`` justified by ``SPECIFIC_REASONS[(check_id, kind)]``."""
    skips = resource.setdefault("Metadata", {}).setdefault("checkov", {}).setdefault("skip", [])
    if all(entry["id"] != check_id for entry in skips):
        skips.append({"id": check_id, "comment": SPECIFIC_REASONS[(check_id, kind)]})
    return resource


def with_skips(resource: dict[str, Any], *check_ids: str) -> dict[str, Any]:
    """``resource`` with checkov skips added to its ``Metadata`` (no-op for no ids)."""
    if not check_ids:
        return resource
    skips = resource.setdefault("Metadata", {}).setdefault("checkov", {}).setdefault("skip", [])
    known = {entry["id"] for entry in skips}
    skips.extend({"id": c, "comment": REASONS[c]} for c in check_ids if c not in known)
    return resource
