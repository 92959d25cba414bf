"""The demo's web step: deploy the sample web build (examples/web) to the twin and fetch it
back through the twin's web server, as a browser would from the distribution."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from ops.local.twin import Twin

SAMPLE_BUILD = Path(__file__).resolve().parents[2] / "examples" / "web"


def deploy_sample(twin: Twin, console: Console, build: Path = SAMPLE_BUILD) -> bool:
    """Sync ``build`` to the twin's web bucket, then GET ``/`` and a client-side route; one
    line saying what came back. False when the page or the fallback is not served."""
    import httpx

    from ops.deploy import web
    from ops.local.provisioning import client

    info = twin.info
    if not info.web_url:
        return True  # the stack hosts no web build
    s3 = client(info.aws_endpoint_url, "s3")
    planned = web.plan(web.scan(build), web.remote_objects(s3, info.web_bucket_name))
    web.apply(planned, s3, info.web_bucket_name)
    page = httpx.get(f"{info.web_url}/", timeout=10)
    route = httpx.get(f"{info.web_url}/conversations/demo", timeout=10)
    ok = page.status_code == 200 and route.status_code == 200 and route.content == page.content
    verdict = "[green]ok[/]" if ok else "[red]FAILED[/]"
    console.print(
        f"web build: {len(planned.uploads)} file(s) from {_shown(build)} deployed to the twin; "
        f"GET {info.web_url}/ -> {page.status_code} {page.headers.get('content-type', '?')} "
        f"({len(page.content)} bytes), /conversations/demo -> {route.status_code} (SPA fallback) {verdict}"
    )
    return ok


def _shown(path: Path) -> str:
    """``path`` relative to the working directory when it is inside it (``examples/web``)."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
