"""Drift between the dashboards the model generates and the ones deployed in CloudWatch."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from infra.drift import Drift

from dashboards.render import RenderedDashboard


def _title(widget: Mapping[str, Any]) -> str:
    props = widget.get("properties") or {}
    if "title" in props:
        return str(props["title"])
    return str(props.get("markdown", widget.get("type", "?"))).splitlines()[0][:60]


def widget_changes(wanted: Mapping[str, Any], deployed: Mapping[str, Any]) -> list[str]:
    """Readable differences between two bodies (by widget title), empty when equal."""
    if wanted == deployed:
        return []
    out: list[str] = []
    for key in sorted(set(wanted) | set(deployed)):
        if key != "widgets" and wanted.get(key) != deployed.get(key):
            out.append(f"{key}: {deployed.get(key)!r} -> {wanted.get(key)!r}")
    mine = {_title(w): w for w in wanted.get("widgets", [])}
    theirs = {_title(w): w for w in deployed.get("widgets", [])}
    out += [f"+ {title}" for title in mine if title not in theirs]
    out += [f"- {title}" for title in theirs if title not in mine]
    out += [f"~ {title}" for title in mine if title in theirs and mine[title] != theirs[title]]
    return out or ["widget order or duplicates differ"]


def compare(rendered: Sequence[RenderedDashboard], deployed: Mapping[str, str], prefix: str) -> Drift:
    """Compare rendered dashboards with deployed bodies (``{name: body text}``)."""
    drift = Drift()
    for dashboard in rendered:
        if dashboard.name not in deployed:
            drift.missing.append(dashboard.name)
            continue
        try:
            body = json.loads(deployed[dashboard.name])
        except ValueError:
            drift.changed[dashboard.name] = ["the deployed body is not JSON"]
            continue
        changes = widget_changes(dashboard.body, body)
        if changes:
            drift.changed[dashboard.name] = changes
        else:
            drift.same += 1
    names = {d.name for d in rendered}
    drift.extra = sorted(n for n in deployed if n.startswith(prefix) and n not in names)
    return drift


def deployed_bodies(client: Any, prefix: str) -> dict[str, str]:
    """Bodies of the deployed dashboards whose names start with ``prefix``."""
    pages = client.get_paginator("list_dashboards").paginate(DashboardNamePrefix=prefix)
    names = [d["DashboardName"] for page in pages for d in page.get("DashboardEntries", [])]
    return {name: client.get_dashboard(DashboardName=name)["DashboardBody"] for name in names}
