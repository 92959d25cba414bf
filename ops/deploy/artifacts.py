"""The artifact bucket: private, encrypted, per stack and region, outside the stack (the stack's
functions need their code before the stack exists). Objects are content-addressed."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from ops.deploy.errors import DeployError


def artifact_bucket_name(stack_name: str, account_id: str, region: str) -> str:
    """``{stack}-artifacts-{account}-{region}`` (globally unique, at most 63 characters)."""
    name = f"{stack_name}-artifacts-{account_id}-{region}".lower()
    if len(name) > 63:
        raise DeployError(f"artifact bucket name {name!r} is longer than 63 characters; shorten the stack name")
    return name


def ensure_bucket(s3: Any, bucket: str, region: str, partition: str = "aws", *, tls_only: bool = True) -> bool:
    """Create ``bucket`` (encrypted, public access blocked, TLS only) unless it exists;
    returns True when it was created.

    ``tls_only=False`` leaves out the deny-plain-HTTP policy: for an emulator reached over
    http (moto evaluates bucket policies, so it would refuse every request).
    """
    try:
        s3.head_bucket(Bucket=bucket)
        return False
    except ClientError as error:
        code = str(error.response.get("Error", {}).get("Code", ""))
        if code not in {"404", "NoSuchBucket", "NotFound"}:
            raise DeployError(f"artifact bucket {bucket} exists but is not usable ({code})") from error
    if region == "us-east-1":
        s3.create_bucket(Bucket=bucket)
    else:
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
    s3.put_public_access_block(
        Bucket=bucket,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    s3.put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        },
    )
    if tls_only:
        deny_plain_http = {
            "Sid": "DenyPlainHttp",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": [f"arn:{partition}:s3:::{bucket}", f"arn:{partition}:s3:::{bucket}/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }
        s3.put_bucket_policy(
            Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [deny_plain_http]})
        )
    return True


def upload(s3: Any, bucket: str, key: str, data: bytes, content_type: str) -> bool:
    """Put ``data`` at ``key`` unless an object is already there (keys are content-addressed);
    returns True when it was uploaded."""
    try:
        s3.head_object(Bucket=bucket, Key=key)
        return False
    except ClientError as error:
        # 403: S3 hides whether a key exists from callers without ListBucket; try the upload.
        if str(error.response.get("Error", {}).get("Code", "")) not in {"403", "404", "NoSuchKey", "NotFound"}:
            raise
    s3.put_object(Bucket=bucket, Key=key, Body=data, ContentType=content_type)
    return True


def zip_key(slug: str, sha256: str) -> str:
    """S3 key of a Lambda zip."""
    return f"lambda/{slug}/{sha256}.zip"


def upload_zip(s3: Any, bucket: str, slug: str, path: Path, sha256: str) -> str:
    """Upload a built zip (if new); returns its key."""
    key = zip_key(slug, sha256)
    upload(s3, bucket, key, path.read_bytes(), "application/zip")
    return key


def upload_template(s3: Any, bucket: str, stack_name: str, body: str, region: str) -> str:
    """Upload the template (CloudFormation takes bodies over 51,200 bytes only from S3); returns
    its URL."""
    data = body.encode()
    key = f"templates/{stack_name}/{hashlib.sha256(data).hexdigest()}.json"
    upload(s3, bucket, key, data, "application/json")
    return f"https://{bucket}.s3.{region}.amazonaws.com/{key}"
