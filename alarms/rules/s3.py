"""The bucket's server errors: S3 answering 5xx to uploads and downloads (presigned URLs go
from the app straight to S3, so no function sees these failures)."""

from __future__ import annotations

from alarms.rules.base import OVERVIEW, RuleContext, Where, levels, number
from alarms.spec import AlarmSpec
from kit.metrics import bucket_request_metric


def alarms(ctx: RuleContext) -> list[AlarmSpec]:
    """5xx errors of the bucket (its request metrics, which the template switches on)."""
    return levels(
        ctx,
        ctx.thresholds.check("s3_5xx_errors"),
        Where(("bucket",), f"{ctx.stack.bucket.logical_name} bucket", OVERVIEW),
        condition=lambda level: f"5xx answers >= {number(level)} a period",
        means="S3 fails requests for attachments, avatars or recordings: uploads and downloads break for users.",
        action=(
            "AWS Health dashboard for S3 in the region; 503 Slow Down means one key prefix takes too many "
            "requests per second (spread the keys)."
        ),
        unit="count",
        metric=bucket_request_metric(ctx.target, "5xxErrors"),
    )
