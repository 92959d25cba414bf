"""`ops deploy web --info-file` against the running twin, and the build served back over real
HTTP: content types, cache rules, security headers, the single-page app fallback, deletions,
the dry run, and a folder that is not a web build."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from ops.cli import app
from ops.deploy.web import IMMUTABLE, NO_CACHE
from ops.local.provisioning import client
from ops.local.twin import Twin

pytestmark = pytest.mark.integration
SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "web"


def _assets(build: Path, suffix: str) -> str:
    (found,) = [p.name for p in (build / "assets").iterdir() if p.name.endswith(suffix)]
    return found


def _deploy(info_file: Path, build: Path, *extra: str) -> Any:
    return CliRunner().invoke(app, ["deploy", "web", "--dir", str(build), "--info-file", str(info_file), *extra])


def _keys(twin: Twin) -> set[str]:
    s3 = client(twin.info.aws_endpoint_url, "s3")
    return {o["Key"] for o in s3.list_objects_v2(Bucket=twin.info.web_bucket_name).get("Contents", [])}


@pytest.fixture
def info_file(twin: Twin, tmp_path: Path) -> Path:
    path = tmp_path / "twin.json"
    path.write_text(twin.info.to_json())
    # each test starts from an empty web bucket
    s3 = client(twin.info.aws_endpoint_url, "s3")
    for key in _keys(twin):
        s3.delete_object(Bucket=twin.info.web_bucket_name, Key=key)
    return path


def test_a_folder_without_index_html_is_refused(info_file: Path, tmp_path: Path) -> None:
    build = tmp_path / "not-a-build"
    (build / "assets").mkdir(parents=True)
    (build / "assets" / "app.js").write_text("x")
    result = _deploy(info_file, build)
    assert result.exit_code == 2, result.output
    assert "no index.html" in result.output and str(build) in result.output
    assert "Traceback" not in result.output


def test_deploy_serves_the_build_with_its_headers_types_and_spa_fallback(
    twin: Twin, info_file: Path, tmp_path: Path
) -> None:
    build = tmp_path / "build"
    shutil.copytree(SAMPLE, build)
    script, style = _assets(build, ".js"), _assets(build, ".css")

    # the dry run lists every file as new and changes nothing
    dry = _deploy(info_file, build, "--dry-run", "--format", "json")
    assert dry.exit_code == 0, dry.output
    planned = json.loads(dry.stdout)
    assert {(c["action"], c["key"]) for c in planned["changes"]} == {
        ("upload", "index.html"),
        ("upload", "robots.txt"),
        ("upload", f"assets/{script}"),
        ("upload", f"assets/{style}"),
    }
    assert planned["changes"][-1]["key"] == "index.html"  # uploaded last
    assert _keys(twin) == set()

    done = _deploy(info_file, build)
    assert done.exit_code == 0, done.output
    assert twin.info.web_url in done.stdout
    assert _keys(twin) == {"index.html", "robots.txt", f"assets/{script}", f"assets/{style}"}

    web = twin.info.web_url
    page = httpx.get(f"{web}/")
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert page.headers["cache-control"] == NO_CACHE
    assert page.content == (build / "index.html").read_bytes()
    # the security headers, the CSP naming the twin's REST and WebSocket origins and nothing else
    assert page.headers["strict-transport-security"].startswith("max-age=")
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    directives = dict(d.split(" ", 1) for d in page.headers["content-security-policy"].split("; "))
    assert directives["frame-ancestors"] == "'none'"
    rest_origin = twin.info.rest_url
    ws_origin = twin.info.websocket_url.rsplit("/", 1)[0]
    assert directives["connect-src"].split() == ["'self'", rest_origin, ws_origin]

    asset = httpx.get(f"{web}/assets/{script}")
    assert asset.headers["content-type"] == "text/javascript; charset=utf-8"
    assert asset.headers["cache-control"] == IMMUTABLE
    assert httpx.get(f"{web}/assets/{style}").headers["content-type"] == "text/css; charset=utf-8"
    robots = httpx.get(f"{web}/robots.txt")
    assert (robots.headers["content-type"], robots.headers["cache-control"]) == ("text/plain; charset=utf-8", NO_CACHE)

    # a client-side route: the index document with 200, as the distribution's fallback answers
    route = httpx.get(f"{web}/conversations/01HX/messages")
    assert route.status_code == 200
    assert route.content == page.content
    assert route.headers["content-security-policy"] == page.headers["content-security-policy"]

    # the REST API allows the web build's origin (CORS), as AWS allows the distribution's
    health = httpx.get(f"{twin.info.rest_url}/health", headers={"Origin": web})
    assert health.headers.get("access-control-allow-origin") == web

    # the distribution's metrics, as CloudFront records them
    twin.flush()
    dims = {"DistributionId": twin.info.web_distribution_id, "Region": "Global"}
    count, requests = twin.telemetry.total("AWS/CloudFront", "Requests", dims)  # type: ignore[union-attr]
    assert requests >= 5  # /, the script, the style, robots.txt, the route


def test_a_second_deploy_replaces_deletes_after_uploading_and_invalidates_only_changed_unhashed_paths(
    twin: Twin, info_file: Path, tmp_path: Path
) -> None:
    build = tmp_path / "build"
    shutil.copytree(SAMPLE, build)
    assert _deploy(info_file, build).exit_code == 0
    old_script = _assets(build, ".js")
    style = _assets(build, ".css")

    # the next build: a new script (new hash), index.html pointing at it, robots.txt gone
    (build / "assets" / old_script).unlink()
    new_script = "app.0123abcd45.js"
    (build / "assets" / new_script).write_text("document.title = 'v2';\n")
    (build / "index.html").write_text((SAMPLE / "index.html").read_text().replace(old_script, new_script))
    (build / "robots.txt").unlink()

    dry = _deploy(info_file, build, "--dry-run", "--format", "json")
    assert dry.exit_code == 0, dry.output
    planned = json.loads(dry.stdout)
    actions = [(c["action"], c["key"]) for c in planned["changes"]]
    assert actions == [
        ("upload", f"assets/{new_script}"),
        ("replace", "index.html"),
        ("delete", f"assets/{old_script}"),
        ("delete", "robots.txt"),
        ("keep", f"assets/{style}"),
    ]
    # hashed files never need invalidating; the changed index and the removed robots.txt do
    assert planned["invalidation"]["paths"] == ["/", "/index.html", "/robots.txt"]
    table = _deploy(info_file, build, "--dry-run")
    assert "would invalidate: / /index.html /robots.txt" in table.stdout
    assert f"assets/{old_script}" in _keys(twin)  # the dry run changed nothing

    done = _deploy(info_file, build)
    assert done.exit_code == 0, done.output
    assert "invalidation of 3 path(s) skipped" in done.output
    assert _keys(twin) == {"index.html", f"assets/{new_script}", f"assets/{style}"}
    web = twin.info.web_url
    assert "v2" in httpx.get(f"{web}/assets/{new_script}").text
    # a removed file is gone: its path falls back to the new index document
    gone = httpx.get(f"{web}/robots.txt")
    assert gone.status_code == 200 and new_script in gone.text

    again = _deploy(info_file, build, "--dry-run", "--format", "json")
    assert {c["action"] for c in json.loads(again.stdout)["changes"]} == {"keep"}
