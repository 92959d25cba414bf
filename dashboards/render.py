"""Dashboards as CloudWatch bodies: split within CloudWatch's limits, laid out, validated, and
serialised deterministically (same model, same bytes)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from infra.template import names

from dashboards.layout import Budget, body, split
from dashboards.validate import ensure_valid
from dashboards.widgets import Dashboard


@dataclass(frozen=True)
class RenderedDashboard:
    """A dashboard's name and body, checked against CloudWatch's rules."""

    name: str
    body: dict[str, Any]

    @property
    def text(self) -> str:
        """The DashboardBody string (compact, keys sorted)."""
        return body_text(self.body)

    @property
    def logical_id(self) -> str:
        """Its logical id in the CloudFormation template."""
        return f"Dashboard{names.camel(self.name)}"


def body_text(value: Any) -> str:
    """Deterministic compact JSON of a dashboard body."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def render(dashboards: Sequence[Dashboard], region: str, budget: Budget | None = None) -> list[RenderedDashboard]:
    """Every dashboard, split where it would exceed ``budget``, laid out and validated
    (DashboardInvalid names every broken rule)."""
    out: list[RenderedDashboard] = []
    for dashboard in dashboards:
        for part in split(dashboard, budget):
            rendered = RenderedDashboard(part.name, body(part, region))
            ensure_valid(rendered.name, rendered.body)
            out.append(rendered)
    names_seen = [r.name for r in out]
    if len(set(names_seen)) != len(names_seen):
        raise ValueError("two dashboards have the same name")
    return out


def write_files(rendered: Sequence[RenderedDashboard], out_dir: Path) -> list[Path]:
    """Write ``<name>.json`` per dashboard (indented, keys sorted) into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for dashboard in rendered:
        path = out_dir / f"{dashboard.name}.json"
        path.write_text(json.dumps(dashboard.body, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
        paths.append(path)
    return paths


def cloudformation_resources(rendered: Sequence[RenderedDashboard]) -> dict[str, Any]:
    """``AWS::CloudWatch::Dashboard`` resources; bodies go through ``Fn::Sub`` so the template's
    ``${...}`` references (region, API id, bucket, pool) resolve at deploy time."""
    return {
        dashboard.logical_id: {
            "Type": "AWS::CloudWatch::Dashboard",
            "Properties": {"DashboardName": dashboard.name, "DashboardBody": {"Fn::Sub": dashboard.text}},
        }
        for dashboard in rendered
    }
