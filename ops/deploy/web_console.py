"""`ops deploy web` end to end: find the target (the stack's outputs, or the twin's info file),
plan, show progress while syncing, invalidate, and shape the result for ``emit``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from ops.conventions import Aws, BadInput
from ops.deploy import web
from ops.deploy.errors import DeployError

Rows = list[dict[str, Any]]


def resolve_target(aws: Aws, stage: str) -> web.WebTarget:
    """The twin's web bucket (``--info-file``) or the deployed stage's (its stack outputs).

    Raises
    ------
    BadInput
        When the twin's info file has no web bucket, or the stack has no web outputs.
    """
    if aws.info is not None:
        bucket, url = str(aws.info.get("web_bucket_name") or ""), str(aws.info.get("web_url") or "")
        if not bucket or not url:
            raise BadInput(
                "the info file has no web_bucket_name / web_url: restart the twin with this version "
                "(`ops local up --info-file FILE`)"
            )
        return web.WebTarget(bucket, str(aws.info.get("web_distribution_id") or ""), url, twin=True)
    from infra import STACK
    from infra.template import names

    from ops.deploy.stacks import stack_outputs

    stack_name = names.stack_name(STACK, stage)
    try:
        outputs = stack_outputs(aws.client("cloudformation"), stack_name)
    except DeployError as error:
        raise BadInput(f"{error}; then run `ops deploy web` again") from None
    missing = [k for k in ("WebBucketName", "WebDistributionId", "WebUrl") if not outputs.get(k)]
    if missing:
        raise BadInput(
            f"stack {stack_name} has no {', '.join(missing)} output: deploy the stack with this version first "
            f"(`ops deploy --stage {stage}`)"
        )
    return web.WebTarget(outputs["WebBucketName"], outputs["WebDistributionId"], outputs["WebUrl"])


def _progress() -> Any:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=Console(stderr=True),
        transient=False,
    )


def run_web_deploy(aws: Aws, stage: str, directory: Path, *, dry_run: bool) -> tuple[dict[str, Any], Rows, Any]:
    """Deploy (or with ``dry_run`` only plan) the build in ``directory``; the result for
    ``emit``: the whole result, its change rows, and the human rendering."""
    try:
        files = web.scan(directory)
    except web.WebBuildError as error:
        raise BadInput(str(error)) from None
    target = resolve_target(aws, stage)
    s3 = aws.client("s3")
    planned = web.plan(files, web.remote_objects(s3, target.bucket))
    rows = [c.to_dict() for c in planned.changes]
    result: dict[str, Any] = {
        "url": target.url,
        "bucket": target.bucket,
        "distribution_id": target.distribution_id,
        "dry_run": dry_run,
        "changes": rows,
        "uploaded": len(planned.uploads),
        "deleted": len(planned.deletions),
        "kept": len(planned.kept),
        "invalidation": {"paths": list(planned.invalidations), "id": None, "skipped": None},
    }
    if not dry_run:
        total = len(planned.uploads) + len(planned.deletions)
        with _progress() as progress:
            task = progress.add_task(f"syncing {directory} to s3://{target.bucket}", total=total)
            web.apply(planned, s3, target.bucket, lambda _change: progress.advance(task))
        result["invalidation"] = _invalidate(aws, target, planned.invalidations)
    return result, rows, lambda: _human(result, planned, dry_run)


def _invalidate(aws: Aws, target: web.WebTarget, paths: tuple[str, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {"paths": list(paths), "id": None, "skipped": None}
    if not paths:
        return out
    if target.twin:
        # The twin serves every request from the bucket: there is no edge cache to clear.
        out["skipped"] = "the twin has no edge cache; it serves every request from the bucket"
        sys.stderr.write(f"twin: invalidation of {len(paths)} path(s) skipped ({out['skipped']}): {' '.join(paths)}\n")
        return out
    # CloudFront is a global service: its API lives in us-east-1.
    out["id"] = web.invalidate(aws.client("cloudfront", region="us-east-1"), target.distribution_id, paths)
    sys.stderr.write(f"invalidation {out['id']} of {len(paths)} path(s): {' '.join(paths)}\n")
    return out


def _human(result: dict[str, Any], planned: web.Plan, dry_run: bool) -> list[Any]:
    from rich.text import Text

    from ops.conventions.output import rich_table

    shown = [c.to_dict() for c in (*planned.uploads, *planned.deletions)]
    lines: list[Any] = []
    if shown:
        lines.append(rich_table(shown, title="web build changes" + (" (dry run: nothing changed)" if dry_run else "")))
    verb = "would upload" if dry_run else "uploaded"
    gone = "would delete" if dry_run else "deleted"
    lines.append(Text(f"{verb} {result['uploaded']}, {gone} {result['deleted']}, unchanged {result['kept']} file(s)"))
    paths = result["invalidation"]["paths"]
    if paths:
        how = (
            "would invalidate"
            if dry_run
            else ("invalidation skipped" if result["invalidation"]["skipped"] else "invalidated")
        )
        lines.append(Text(f"{how}: {' '.join(paths)}"))
    lines.append(Text(f"url: {result['url']}"))
    return lines
