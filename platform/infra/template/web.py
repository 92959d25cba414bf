"""The web build's hosting: a private bucket served by a CloudFront distribution.

The bucket blocks all public access and answers only CloudFront, which signs its requests
through Origin Access Control (the bucket policy names this distribution). The distribution
answers HTTPS only (HTTP is redirected), over HTTP/2 and HTTP/3, compresses, adds the security
headers of ``infra.web_headers``, and turns the bucket's 403/404 (a path the single-page app
routes in the browser; without ``s3:ListBucket`` a missing key is a 403) into ``/index.html``
with 200. ``ops deploy web`` fills the bucket and invalidates what changed.
"""

from __future__ import annotations

from typing import Any

from infra.model import WebHosting
from infra.template import checkov, names
from infra.template.bucket import PRIVATE_BUCKET
from infra.template.context import SynthContext
from infra.template.intrinsics import get_att, ref, sub
from infra.web_headers import FRAME_OPTION, REFERRER_POLICY, content_security_policy

# AWS's managed cache policy "CachingOptimized": the object's own Cache-Control decides
# (``ops deploy web`` sets it per file), gzip and brotli variants cached apart.
CACHING_OPTIMIZED_POLICY = "658327ea-f89d-4fab-a63d-7e88639e58f6"
NONCURRENT_VERSION_DAYS = 30
ORIGIN_ID = "web-bucket"
# The origin's answers the single-page app fallback replaces with /index.html.
SPA_FALLBACK_CODES = (403, 404)


def template_csp(ctx: SynthContext) -> dict[str, Any]:
    """The CSP as a template value: this stage's REST API (and its custom domain when one is
    given) and WebSocket API, nothing else.

    The media bucket is left out on purpose: its CORS rule names this distribution's domain, so
    naming the bucket here would make the template circular (bucket -> distribution -> headers
    policy -> bucket). Presigned media URLs are therefore not reachable from the web build
    (docs/deploy.md, the web build).
    """
    stack = ctx.stack
    rest, ws = stack.rest_api.logical_name, stack.websocket_api.logical_name
    connect = (
        f"https://${{{rest}}}.execute-api.${{AWS::Region}}.${{AWS::URLSuffix}}${{RestDomain}}",
        f"wss://${{{ws}}}.execute-api.${{AWS::Region}}.${{AWS::URLSuffix}}",
    )
    rest_domain = {"Fn::If": [names.HAS_CUSTOM_DOMAIN, sub(f" https://${{{names.DOMAIN_NAME_PARAMETER}}}"), ""]}
    return {"Fn::Sub": [content_security_policy(connect=connect), {"RestDomain": rest_domain}]}


def _bucket(ctx: SynthContext, web: WebHosting) -> dict[str, Any]:
    bucket = {
        "Type": "AWS::S3::Bucket",
        # The build is reproducible from the repository: no Retain, whatever the stage.
        "DeletionPolicy": "Delete",
        "UpdateReplacePolicy": "Delete",
        "Properties": {
            # S3 managed keys: the files are public by design once served, and a KMS key would
            # need CloudFront in its key policy and cost a request per uncached object.
            "BucketEncryption": {
                "ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
            },
            **PRIVATE_BUCKET,
            # A bad deploy can be rolled back file by file from the previous versions.
            "VersioningConfiguration": {"Status": "Enabled"},
            "LifecycleConfiguration": {
                "Rules": [
                    {
                        "Id": "expire-replaced-versions",
                        "Status": "Enabled",
                        "NoncurrentVersionExpiration": {"NoncurrentDays": NONCURRENT_VERSION_DAYS},
                    },
                    {
                        "Id": "clean-incomplete-multipart-uploads",
                        "Status": "Enabled",
                        "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1},
                    },
                ]
            },
        },
    }
    return checkov.with_specific_skip(bucket, "CKV_AWS_18", "web-bucket")


def _bucket_policy(web: WebHosting) -> dict[str, Any]:
    logical = web.bucket_logical_name
    objects = sub(f"${{{logical}.Arn}}/*")
    everything = [get_att(logical, "Arn"), objects]
    return {
        "Type": "AWS::S3::BucketPolicy",
        "Properties": {
            "Bucket": ref(logical),
            "PolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "CloudFrontReadsThroughOriginAccessControl",
                        "Effect": "Allow",
                        "Principal": {"Service": "cloudfront.amazonaws.com"},
                        "Action": "s3:GetObject",
                        "Resource": objects,
                        "Condition": {
                            "StringEquals": {
                                "AWS:SourceArn": sub(
                                    "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/"
                                    f"${{{web.distribution_logical_name}}}"
                                )
                            }
                        },
                    },
                    {
                        "Sid": "DenyPlainHttp",
                        "Effect": "Deny",
                        "Principal": "*",
                        "Action": "s3:*",
                        "Resource": everything,
                        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                    },
                    {
                        "Sid": "DenyOldTls",
                        "Effect": "Deny",
                        "Principal": "*",
                        "Action": "s3:*",
                        "Resource": everything,
                        "Condition": {"NumericLessThan": {"s3:TlsVersion": "1.2"}},
                    },
                ],
            },
        },
    }


def _origin_access_control(ctx: SynthContext) -> dict[str, Any]:
    return {
        "Type": "AWS::CloudFront::OriginAccessControl",
        "Properties": {
            "OriginAccessControlConfig": {
                "Name": f"{ctx.prefix}-web",
                "Description": "CloudFront signs every request to the web bucket (SigV4)",
                "OriginAccessControlOriginType": "s3",
                "SigningBehavior": "always",
                "SigningProtocol": "sigv4",
            }
        },
    }


def _headers_policy(ctx: SynthContext, web: WebHosting) -> dict[str, Any]:
    return {
        "Type": "AWS::CloudFront::ResponseHeadersPolicy",
        "Properties": {
            "ResponseHeadersPolicyConfig": {
                "Name": f"{ctx.prefix}-web-headers",
                "Comment": "Security headers of the web build (infra/web_headers.py)",
                "SecurityHeadersConfig": {
                    "StrictTransportSecurity": {
                        "AccessControlMaxAgeSec": web.hsts_max_age_s,
                        "IncludeSubdomains": True,
                        "Override": True,
                    },
                    "ContentSecurityPolicy": {"ContentSecurityPolicy": template_csp(ctx), "Override": True},
                    "ContentTypeOptions": {"Override": True},
                    "FrameOptions": {"FrameOption": FRAME_OPTION, "Override": True},
                    "ReferrerPolicy": {"ReferrerPolicy": REFERRER_POLICY, "Override": True},
                },
            }
        },
    }


def _distribution(ctx: SynthContext, web: WebHosting) -> dict[str, Any]:
    has_domain = names.HAS_WEB_DOMAIN
    distribution = {
        "Type": "AWS::CloudFront::Distribution",
        "Properties": {
            "DistributionConfig": {
                "Comment": f"{ctx.prefix} web build",
                "Enabled": True,
                "DefaultRootObject": web.index_document,
                "HttpVersion": "http2and3",
                "IPV6Enabled": True,
                "PriceClass": web.price_class,
                "Aliases": {"Fn::If": [has_domain, [ref(names.WEB_DOMAIN_PARAMETER)], ref("AWS::NoValue")]},
                "ViewerCertificate": {
                    "Fn::If": [
                        has_domain,
                        {
                            "AcmCertificateArn": ref(names.WEB_CERTIFICATE_PARAMETER),
                            "SslSupportMethod": "sni-only",
                            "MinimumProtocolVersion": "TLSv1.2_2021",
                        },
                        {"CloudFrontDefaultCertificate": True},
                    ]
                },
                "Origins": [
                    {
                        "Id": ORIGIN_ID,
                        "DomainName": get_att(web.bucket_logical_name, "RegionalDomainName"),
                        # OAC replaces the legacy origin access identity, which stays empty.
                        "S3OriginConfig": {"OriginAccessIdentity": ""},
                        "OriginAccessControlId": ref(names.WEB_ORIGIN_ACCESS_CONTROL),
                    }
                ],
                "DefaultCacheBehavior": {
                    "TargetOriginId": ORIGIN_ID,
                    "ViewerProtocolPolicy": "redirect-to-https",
                    "AllowedMethods": ["GET", "HEAD"],
                    "CachedMethods": ["GET", "HEAD"],
                    "Compress": True,
                    "CachePolicyId": CACHING_OPTIMIZED_POLICY,
                    "ResponseHeadersPolicyId": ref(names.WEB_HEADERS_POLICY),
                },
                "CustomErrorResponses": [
                    {
                        "ErrorCode": code,
                        "ResponseCode": 200,
                        "ResponsePagePath": f"/{web.index_document}",
                        "ErrorCachingMinTTL": web.error_caching_min_ttl_s,
                    }
                    for code in SPA_FALLBACK_CODES
                ],
            }
        },
    }
    return checkov.with_skips(distribution, "CKV_AWS_68", "CKV_AWS_86", "CKV_AWS_174")


def resources(ctx: SynthContext) -> dict[str, Any]:
    """The web bucket, its policy, the origin access control, the headers policy and the
    distribution; nothing when the stack model has no ``web``."""
    web = ctx.stack.web
    if web is None:
        return {}
    return {
        web.bucket_logical_name: _bucket(ctx, web),
        f"{web.bucket_logical_name}Policy": _bucket_policy(web),
        names.WEB_ORIGIN_ACCESS_CONTROL: _origin_access_control(ctx),
        names.WEB_HEADERS_POLICY: _headers_policy(ctx, web),
        web.distribution_logical_name: _distribution(ctx, web),
    }
