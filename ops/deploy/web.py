"""`ops deploy web`: sync a web build folder to the web bucket, then invalidate what changed.

The order keeps every visitor on a whole site: content-hashed files first (nothing references
them yet), then the other unhashed files, ``index.html`` last (it points at the new hashed
files, which are in place by then); files no longer in the build are deleted only after every
upload. Then only the changed or removed unhashed paths are invalidated: a hashed name never
changes content, so no cache can hold a stale copy of it.

Cache-Control: ``public, max-age=31536000, immutable`` for content-hashed files, ``no-cache``
(revalidate every time; CloudFront answers from its cache while the ETag holds) for
``index.html`` and every other unhashed file.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

IMMUTABLE = "public, max-age=31536000, immutable"
NO_CACHE = "no-cache"
INDEX = "index.html"
# More paths than this in one deploy: invalidate "/*" instead (one path of the 1,000 free a
# month, and CloudFront caps a batch at 3,000).
MAX_INVALIDATION_PATHS = 100

# A content hash in a file name, as web bundlers write it: ``main.3f2a1b9c.js``,
# ``index-3f2a1b9cde.css`` (hex, 8 or more), or Vite's ``index-BdX83kq2.js`` (8 base64url
# characters with a digit and a letter).
_HEX_HASH = re.compile(r"[.-][0-9a-f]{8,}\.[A-Za-z0-9]+$")
_B64_HASH = re.compile(r"-(?=[A-Za-z0-9_-]*[0-9])(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{8}\.[A-Za-z0-9]+$")

# Types browsers need exactly (scripts and styles refused under nosniff when wrong); the rest
# from Python's table.
_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".webmanifest": "application/manifest+json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/x-icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".txt": "text/plain; charset=utf-8",
    ".xml": "application/xml",
    ".wasm": "application/wasm",
    ".mp3": "audio/mpeg",
    ".mp4": "video/mp4",
}

Action = Literal["upload", "replace", "delete", "keep"]


class WebBuildError(ValueError):
    """The folder is not a web build that can be deployed (message says why and what to do)."""


def is_content_hashed(key: str) -> bool:
    """Whether the file name carries a content hash (its content never changes under it)."""
    name = key.rsplit("/", 1)[-1]
    return bool(_HEX_HASH.search(name) or _B64_HASH.search(name))


def content_type(key: str) -> str:
    """The Content-Type the file is served with."""
    suffix = Path(key).suffix.lower()
    return _TYPES.get(suffix) or mimetypes.guess_type(key)[0] or "application/octet-stream"


def cache_control(key: str) -> str:
    """``immutable`` for content-hashed files, ``no-cache`` for the rest (``index.html`` too)."""
    return IMMUTABLE if key != INDEX and is_content_hashed(key) else NO_CACHE


@dataclass(frozen=True)
class LocalFile:
    """One file of the build: its key, where it is, its MD5 (S3's ETag of a single-part upload)."""

    key: str
    path: Path
    size: int
    md5: str

    @property
    def content_type(self) -> str:
        """See :func:`content_type`."""
        return content_type(self.key)

    @property
    def cache_control(self) -> str:
        """See :func:`cache_control`."""
        return cache_control(self.key)


def scan(directory: Path) -> list[LocalFile]:
    """Every file under ``directory`` (keys with ``/``, hidden files skipped).

    Raises
    ------
    WebBuildError
        When ``directory`` is not a folder or holds no ``index.html`` at its top.
    """
    if not directory.is_dir():
        raise WebBuildError(f"--dir {directory}: not a folder (pass the web build's output folder)")
    if not (directory / INDEX).is_file():
        raise WebBuildError(
            f"--dir {directory}: no {INDEX} at its top, so it is not a web build "
            "(pass the folder your bundler writes, e.g. `npx expo export --platform web` -> dist/)"
        )
    files = []
    for path in sorted(directory.rglob("*")):
        relative = path.relative_to(directory)
        if not path.is_file() or any(part.startswith(".") for part in relative.parts):
            continue
        data = path.read_bytes()
        files.append(LocalFile(relative.as_posix(), path, len(data), hashlib.md5(data).hexdigest()))  # noqa: S324 (S3's ETag, not security)
    return files


def remote_objects(s3: Any, bucket: str) -> dict[str, str]:
    """Every object of ``bucket``: key -> ETag (quotes stripped), through the paginator."""
    out: dict[str, str] = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            out[item["Key"]] = str(item.get("ETag", "")).strip('"')
    return out


@dataclass(frozen=True)
class Change:
    """What happens to one key."""

    action: Action
    key: str
    size: int = 0
    content_type: str = ""
    cache_control: str = ""
    file: LocalFile | None = field(default=None, compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "action": self.action,
            "key": self.key,
            "size": self.size,
            "content_type": self.content_type,
            "cache_control": self.cache_control,
        }


def _upload_order(change: Change) -> tuple[int, str]:
    if change.key == INDEX:
        return (2, change.key)
    return (0 if change.cache_control == IMMUTABLE else 1, change.key)


@dataclass(frozen=True)
class Plan:
    """The deploy in order: uploads (hashed, unhashed, index.html), then deletions; what is
    kept; and the paths to invalidate."""

    uploads: tuple[Change, ...]
    deletions: tuple[Change, ...]
    kept: tuple[Change, ...]
    invalidations: tuple[str, ...]

    @property
    def changes(self) -> list[Change]:
        """Every change, in the order it is made, then what is kept."""
        return [*self.uploads, *self.deletions, *self.kept]


def plan(files: Iterable[LocalFile], remote: dict[str, str]) -> Plan:
    """What to upload, delete and invalidate to make the bucket hold exactly ``files``."""
    uploads, kept = [], []
    local = {f.key: f for f in files}
    for key, file in local.items():
        change = Change("keep", key, file.size, file.content_type, file.cache_control, file)
        if key not in remote:
            uploads.append(Change("upload", key, file.size, file.content_type, file.cache_control, file))
        elif remote[key] != file.md5:
            uploads.append(Change("replace", key, file.size, file.content_type, file.cache_control, file))
        else:
            kept.append(change)
    deletions = [Change("delete", key) for key in sorted(set(remote) - set(local))]
    uploads.sort(key=_upload_order)
    # A hashed name is never cached with other content; new paths were never cached either.
    stale = [c.key for c in uploads if c.action == "replace" and c.cache_control != IMMUTABLE]
    stale += [c.key for c in deletions if not is_content_hashed(c.key)]
    return Plan(tuple(uploads), tuple(deletions), tuple(kept), invalidation_paths(stale))


def invalidation_paths(keys: Iterable[str]) -> tuple[str, ...]:
    """CloudFront paths of ``keys`` (``index.html`` also as ``/``, where it is the root object);
    ``/*`` alone when there are more than :data:`MAX_INVALIDATION_PATHS`."""
    paths: list[str] = []
    for key in keys:
        paths.append("/" + quote(key))
        if key == INDEX:
            paths.append("/")
    if len(paths) > MAX_INVALIDATION_PATHS:
        return ("/*",)
    return tuple(sorted(set(paths)))


Progress = Callable[[Change], None]


def apply(plan: Plan, s3: Any, bucket: str, on_done: Progress | None = None) -> None:
    """Make the changes of ``plan`` in its order; ``on_done`` after each one."""
    for change in plan.uploads:
        assert change.file is not None
        with change.file.path.open("rb") as body:
            s3.put_object(
                Bucket=bucket,
                Key=change.key,
                Body=body,
                ContentType=change.content_type,
                CacheControl=change.cache_control,
            )
        if on_done is not None:
            on_done(change)
    # S3 deletes up to 1,000 keys per call.
    keys = [c.key for c in plan.deletions]
    for start in range(0, len(keys), 1000):
        batch = keys[start : start + 1000]
        s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in batch], "Quiet": True})
        if on_done is not None:
            for change in plan.deletions[start : start + 1000]:
                on_done(change)


def invalidate(cloudfront: Any, distribution_id: str, paths: tuple[str, ...]) -> str:
    """Create an invalidation of ``paths`` on the distribution; its id."""
    answer = cloudfront.create_invalidation(
        DistributionId=distribution_id,
        InvalidationBatch={
            "Paths": {"Quantity": len(paths), "Items": list(paths)},
            "CallerReference": f"ops-deploy-web-{time.time_ns()}",
        },
    )
    return str(answer["Invalidation"]["Id"])


@dataclass(frozen=True)
class WebTarget:
    """Where a build goes: the bucket, the distribution (empty in the twin) and the URL."""

    bucket: str
    distribution_id: str
    url: str
    twin: bool = False
