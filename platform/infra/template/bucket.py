"""The media bucket: private, KMS-encrypted, TLS only, versioned, with lifecycle rules."""

from __future__ import annotations

from typing import Any

from infra.template import checkov, cors, names
from infra.template.context import SynthContext
from infra.template.intrinsics import get_att, ref, sub

NONCURRENT_VERSION_DAYS = 30
# What keeps a bucket private whatever its policy says: no public ACLs or policies, and the
# bucket owner owns every object (ACLs off). The media and web buckets both use it.
PRIVATE_BUCKET: dict[str, Any] = {
    "PublicAccessBlockConfiguration": {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    },
    "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
}


def _lifecycle(ctx: SynthContext) -> dict[str, Any]:
    bucket = ctx.stack.bucket
    return {
        "Rules": [
            {
                "Id": "recordings-to-cheaper-storage",
                "Status": "Enabled",
                "Prefix": bucket.recordings_prefix,
                "Transitions": [
                    {
                        "StorageClass": bucket.recordings_storage_class,
                        "TransitionInDays": bucket.recordings_transition_days,
                    }
                ],
            },
            {
                "Id": "clean-incomplete-multipart-uploads",
                "Status": "Enabled",
                "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": bucket.abort_incomplete_multipart_days},
            },
            {
                "Id": "expire-replaced-versions",
                "Status": "Enabled",
                "NoncurrentVersionExpiration": {"NoncurrentDays": NONCURRENT_VERSION_DAYS},
            },
        ]
    }


# The id of the bucket's request-metrics configuration: the FilterId dimension of its metrics.
BUCKET_REQUEST_METRICS_FILTER = "EntireBucket"


def resources(ctx: SynthContext) -> dict[str, Any]:
    """The bucket (name chosen by CloudFormation: bucket names are global) and its TLS-only policy."""
    logical = ctx.stack.bucket.logical_name
    bucket = {
        "Type": "AWS::S3::Bucket",
        **ctx.retention_policy(),
        "Properties": {
            "BucketEncryption": {
                "ServerSideEncryptionConfiguration": [
                    {
                        "ServerSideEncryptionByDefault": {
                            "SSEAlgorithm": "aws:kms",
                            "KMSMasterKeyID": get_att(names.DATA_KEY, "Arn"),
                        },
                        # One data key per bucket instead of a KMS call per object: cheaper.
                        "BucketKeyEnabled": True,
                    }
                    if ctx.customer_managed_key
                    # S3 managed keys (SSE-S3): encrypted at rest, no KMS charge.
                    else {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
                ]
            },
            **PRIVATE_BUCKET,
            "VersioningConfiguration": {"Status": "Enabled"},
            # Request metrics (4xxErrors, 5xxErrors, latency) exist only with a configuration;
            # the s3_5xx_errors alarm reads them (kit.metrics.BUCKET_REQUEST_METRICS_FILTER).
            "MetricsConfigurations": [{"Id": BUCKET_REQUEST_METRICS_FILTER}],
            "LifecycleConfiguration": _lifecycle(ctx),
            # The web client uploads and downloads with presigned URLs straight from the browser.
            "CorsConfiguration": {
                "CorsRules": [
                    {
                        "AllowedOrigins": cors.origin_list(ctx),
                        "AllowedMethods": ["GET", "PUT", "POST"],
                        "AllowedHeaders": ["*"],
                        "MaxAge": 600,
                    }
                ]
            },
        },
    }
    checkov.with_skips(bucket, "CKV_AWS_18")
    policy = {
        "Type": "AWS::S3::BucketPolicy",
        "Properties": {
            "Bucket": ref(logical),
            "PolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "DenyPlainHttp",
                        "Effect": "Deny",
                        "Principal": "*",
                        "Action": "s3:*",
                        "Resource": [get_att(logical, "Arn"), sub(f"${{{logical}.Arn}}/*")],
                        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                    },
                    {
                        "Sid": "DenyOldTls",
                        "Effect": "Deny",
                        "Principal": "*",
                        "Action": "s3:*",
                        "Resource": [get_att(logical, "Arn"), sub(f"${{{logical}.Arn}}/*")],
                        "Condition": {"NumericLessThan": {"s3:TlsVersion": "1.2"}},
                    },
                ],
            },
        },
    }
    return {logical: bucket, f"{logical}Policy": policy}
