"""Dashboards and alarms: render everything (target: under 2 s) and preview the overview from
three hours of recorded metrics in the local twin's embedded AWS (target: under 10 s).

The preview runs against moto's server in a child process, as `ops local up` runs it, with
per-minute data for every metric the overview reads (business metrics only where the backend
emits them). Figures are printed; the load average says how busy the machine was."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

from infra import STACK

from alarms import build_alarms
from alarms.render import cloudformation_resources as alarm_resources
from alarms.render import document
from dashboards import build_dashboards, render
from dashboards.preview import preview
from dashboards.render import cloudformation_resources as dashboard_resources
from kit.target import template_target, twin_target
from ops.local.embedded_aws import EmbeddedAws
from tests.unit.alarms.support import client, twin_info
from tests.unit.dashboards.synthetic import body_metrics, business, put

RENDER_TARGET_S = 2.0
PREVIEW_TARGET_S = 10.0


def _render_everything() -> tuple[int, int]:
    dashboards = alarms = 0
    for stage in (s.name for s in STACK.stages):
        target = template_target(STACK, stage)
        alarm_set = build_alarms(STACK, stage, target=target)
        rendered = render(build_dashboards(STACK, stage, target=target, alarm_set=alarm_set), target.region)
        document(alarm_set)
        alarm_resources(alarm_set)
        dashboard_resources(rendered)
        dashboards += len(rendered)
        alarms += len(alarm_set)
    return dashboards, alarms


def test_render_all_dashboards_and_alarms() -> None:
    start = time.perf_counter()
    dashboards, alarms = _render_everything()
    cold = time.perf_counter() - start
    start = time.perf_counter()
    _render_everything()
    warm = time.perf_counter() - start
    print(
        f"\nrender {dashboards} dashboards and {alarms} alarms ({len(STACK.stages)} stages, built, validated,"
        f" serialised, as template resources):"
        f"\n  first run {cold:.3f} s, second run {warm:.3f} s (target < {RENDER_TARGET_S:.0f} s,"
        f" {RENDER_TARGET_S / max(cold, 1e-9):.0f}x headroom)"
    )
    assert cold < RENDER_TARGET_S


def test_preview_of_the_overview(tmp_path: Path) -> None:
    aws = EmbeddedAws()
    aws.start()
    try:
        info = twin_info(aws.endpoint_url)
        target = twin_target(STACK, info)
        (overview,) = [
            d
            for d in render(build_dashboards(STACK, "dev", target=target), target.region)
            if d.name.endswith("-overview")
        ]
        cloudwatch = client(aws.endpoint_url, "cloudwatch")
        end = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
        start = time.perf_counter()
        datums = put(cloudwatch, body_metrics(overview.body) + business(STACK), end=end, minutes=180)
        loading = time.perf_counter() - start
        report = preview(overview, tmp_path, lambda region: cloudwatch, hours=3, end=end)
    finally:
        aws.stop()
    pngs = [p for p in report.files if p.suffix == ".png"]
    print(
        f"\npreview of the overview over 3 h ({datums:,} per-minute datums in moto's server,"
        f" loaded in {loading:.1f} s):"
        f"\n  {report.seconds:.2f} s for {report.calls} CloudWatch calls and {len(pngs)} PNGs"
        f" (target < {PREVIEW_TARGET_S:.0f} s; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)"
        f"\n  {len(report.approximated)} percentile series approximated (moto computes none),"
        f" {len(report.empty_graphs)} graphs without data"
    )
    assert len(pngs) >= 8
    assert report.seconds < PREVIEW_TARGET_S
