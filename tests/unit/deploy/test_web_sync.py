"""The web build's sync rules, against a fake bucket that records calls: which names are
content-hashed, their types and cache rules, the order of uploads and deletions, and which
paths are invalidated."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from ops.deploy import web


@pytest.mark.parametrize(
    ("key", "hashed"),
    [
        ("assets/app.2bde09a69f.js", True),
        ("_expo/static/js/web/index-3f0d1a9e8b7c6d5e4f3a2b1c0d9e8f7a.js", True),
        ("assets/index-BdX83kq2.js", True),
        ("index.html", False),
        ("robots.txt", False),
        ("favicon.ico", False),
        ("assets/logo.png", False),
        ("assets/manifest-abcdefgh.json", False),  # letters only: a word, not a hash
    ],
)
def test_content_hash_detection(key: str, hashed: bool) -> None:
    assert web.is_content_hashed(key) is hashed
    assert web.cache_control(key) == (web.IMMUTABLE if hashed else web.NO_CACHE)


@pytest.mark.parametrize(
    ("key", "content_type"),
    [
        ("index.html", "text/html; charset=utf-8"),
        ("a/app.12345678.js", "text/javascript; charset=utf-8"),
        ("a/app.12345678.css", "text/css; charset=utf-8"),
        ("a/font.woff2", "font/woff2"),
        ("a/logo.svg", "image/svg+xml"),
        ("manifest.webmanifest", "application/manifest+json"),
        ("a/app.js.map", "application/json"),
        ("blob.unknownext", "application/octet-stream"),
    ],
)
def test_content_types(key: str, content_type: str) -> None:
    assert web.content_type(key) == content_type


def _md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


class FakeBucket:
    """Records every call; a listing pages two objects at a time (the paginator is used)."""

    def __init__(self, objects: dict[str, str]) -> None:
        self.objects = dict(objects)
        self.calls: list[tuple[str, str]] = []

    def get_paginator(self, name: str) -> Any:
        assert name == "list_objects_v2"
        bucket = self

        class Paginator:
            def paginate(self, Bucket: str) -> Any:
                keys = sorted(bucket.objects)
                for start in range(0, len(keys), 2):
                    yield {
                        "Contents": [
                            {"Key": k, "ETag": f'"{_md5(bucket.objects[k])}"'} for k in keys[start : start + 2]
                        ]
                    }

        return Paginator()

    def put_object(self, Bucket: str, Key: str, Body: Any, ContentType: str, CacheControl: str) -> None:
        self.objects[Key] = Body.read().decode()
        self.calls.append(("put", Key))

    def delete_objects(self, Bucket: str, Delete: dict[str, Any]) -> None:
        for item in Delete["Objects"]:
            self.objects.pop(item["Key"])
            self.calls.append(("delete", item["Key"]))


def _build(root: Path, files: dict[str, str]) -> Path:
    for key, text in files.items():
        path = root / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_uploads_hashed_then_unhashed_then_index_and_deletes_last(tmp_path: Path) -> None:
    bucket = FakeBucket({"index.html": "old", "assets/app.11111111.js": "v1", "about.txt": "same", "old.txt": "x"})
    build = _build(
        tmp_path,
        {"index.html": "new", "assets/app.22222222.js": "v2", "about.txt": "same", "help.txt": "new file"},
    )
    planned = web.plan(web.scan(build), web.remote_objects(bucket, "b"))
    web.apply(planned, bucket, "b")
    assert bucket.calls == [
        ("put", "assets/app.22222222.js"),
        ("put", "help.txt"),
        ("put", "index.html"),
        ("delete", "assets/app.11111111.js"),
        ("delete", "old.txt"),
    ]
    assert [c.key for c in planned.kept] == ["about.txt"]
    # only changed or removed unhashed paths: not the new help.txt, not the hashed files
    assert planned.invalidations == ("/", "/index.html", "/old.txt")


def test_an_unchanged_build_changes_nothing(tmp_path: Path) -> None:
    bucket = FakeBucket({"index.html": "same"})
    planned = web.plan(web.scan(_build(tmp_path, {"index.html": "same"})), web.remote_objects(bucket, "b"))
    assert (planned.uploads, planned.deletions, planned.invalidations) == ((), (), ())


def test_many_stale_paths_become_one_wildcard() -> None:
    keys = [f"page{i}.html" for i in range(web.MAX_INVALIDATION_PATHS + 1)]
    assert web.invalidation_paths(keys) == ("/*",)
    assert web.invalidation_paths(["a b.txt"]) == ("/a%20b.txt",)


def test_a_folder_without_index_html_is_not_a_web_build(tmp_path: Path) -> None:
    _build(tmp_path, {"app.js": "x"})
    with pytest.raises(web.WebBuildError, match=r"no index\.html"):
        web.scan(tmp_path)
    with pytest.raises(web.WebBuildError, match="not a folder"):
        web.scan(tmp_path / "missing")


def test_hidden_files_are_not_deployed(tmp_path: Path) -> None:
    _build(tmp_path, {"index.html": "x", ".env": "SECRET=1", ".git/config": "x"})
    assert [f.key for f in web.scan(tmp_path)] == ["index.html"]


def test_invalidate_sends_one_batch_of_the_paths() -> None:
    import boto3
    from botocore.stub import ANY, Stubber

    cloudfront = boto3.client("cloudfront", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(cloudfront) as stub:
        stub.add_response(
            "create_invalidation",
            {
                "Location": "l",
                "Invalidation": {
                    "Id": "I1",
                    "Status": "InProgress",
                    "CreateTime": "2026-12-03T00:00:00Z",
                    "InvalidationBatch": {
                        "Paths": {"Quantity": 2, "Items": ["/", "/index.html"]},
                        "CallerReference": "r",
                    },
                },
            },
            {
                "DistributionId": "E123",
                "InvalidationBatch": {"Paths": {"Quantity": 2, "Items": ["/", "/index.html"]}, "CallerReference": ANY},
            },
        )
        assert web.invalidate(cloudfront, "E123", ("/", "/index.html")) == "I1"
        stub.assert_no_pending_responses()
