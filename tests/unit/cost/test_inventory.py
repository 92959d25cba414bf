"""The template is the inventory: every resource type priced or declared free, and the idle month
of each stage priced from it, checked against a bill computed here from AWS's list prices."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from infra import STACK

from ops.cost.cli import app
from ops.cost.idle import idle_month
from ops.cost.inventory import REGISTRY, Free, Priced, UnknownResourceTypeError, inventory, unregistered
from ops.deploy.synth import build_template
from ops.warmup.policy import parse_policy
from ops.warmup.template import resources_for

STAGES = [stage.name for stage in STACK.stages]

# Every optional feature of the warm-up contributor at once: pings and provisioned concurrency.
FULL_WARMUP = {
    "functions": {
        "chat": {"method": "ping", "concurrency": 2, "windows": ["always"]},
        "call": {"method": "provisioned", "concurrency": 1, "windows": ["always"]},
    }
}


def everything_on(stage: str) -> dict:
    """``stage``'s template with every optional feature switched on (the custom domain is in the
    template under its condition already; warm-up with both methods is added here)."""
    template = build_template(STACK, stage)
    extra = resources_for(parse_policy(FULL_WARMUP, STACK), STACK, stage)
    for logical_id, resource in extra.items():
        template["Resources"].setdefault(logical_id, resource)
    return template


@pytest.mark.parametrize("stage", STAGES)
def test_every_resource_type_of_every_stage_has_an_entry(stage):
    template = everything_on(stage)
    types = {r["Type"] for r in template["Resources"].values()}
    assert {"AWS::Lambda::Alias", "AWS::ApplicationAutoScaling::ScalableTarget", "AWS::Scheduler::Schedule"} <= types
    assert unregistered(template) == []
    for resource_type in types:
        found = REGISTRY[resource_type]
        assert found.reason if isinstance(found, Free) else (found.meters and found.rule and found.buys)


def test_a_resource_type_without_an_entry_fails_the_check_and_the_command(runner, monkeypatch):
    template = everything_on("dev")
    template["Resources"]["Canary"] = {"Type": "AWS::Synthetics::Canary", "Properties": {}}
    assert unregistered(template) == ["AWS::Synthetics::Canary"]
    with pytest.raises(UnknownResourceTypeError, match="AWS::Synthetics::Canary"):
        inventory(template)

    def canary(stack, stage):
        return {"Canary": {"Type": "AWS::Synthetics::Canary", "Properties": {}}}

    from ops.deploy import synth

    kit = synth.contributors()
    monkeypatch.setattr(synth, "contributors", lambda: (*kit, canary))  # the template's explicit list
    result = runner.invoke(app, ["idle", "--stage", "dev"])
    assert result.exit_code == 2
    assert "AWS::Synthetics::Canary" in result.stderr and "inventory.py" in result.stderr


def test_every_priced_meter_is_on_the_price_sheet(sheet):
    for resource_type, found in REGISTRY.items():
        if isinstance(found, Priced):
            for meter in found.meters:
                assert meter in sheet.meters, (resource_type, meter)


def _independent_idle_bill(template) -> Decimal:
    """The idle month computed here from the template and AWS's list prices (us-east-1), with the
    always-free allowances: 3 dashboards, 10 alarm metrics."""
    resources = list(template["Resources"].values())

    def count(kind):
        return sum(r["Type"] == kind for r in resources)

    alarm_metrics = 0
    for r in resources:
        if r["Type"] == "AWS::CloudWatch::Alarm":
            metrics = r["Properties"].get("Metrics")
            alarm_metrics += sum("MetricStat" in m for m in metrics) if metrics else 1
    rules = sum(len(r["Properties"]["Rules"]) for r in resources if r["Type"] == "AWS::WAFv2::WebACL")
    # The canary runs once a minute and makes one REST request each run (REST has no always-free).
    schedules = [f.schedule for f in STACK.functions if f.schedule is not None]
    assert set(schedules) <= {"rate(1 minute)"}
    canary_rest = (Decimal(730 * 60 * len(schedules)) * Decimal("0.0000035")).quantize(Decimal("0.01"))
    return canary_rest + (
        Decimal("3.00") * max(0, count("AWS::CloudWatch::Dashboard") - 3)
        + Decimal("0.10") * max(0, alarm_metrics - 10)
        + Decimal("0.50") * count("AWS::CloudWatch::CompositeAlarm")
        + Decimal("5.00") * count("AWS::WAFv2::WebACL")
        + Decimal("1.00") * rules
        + Decimal("1.00") * count("AWS::KMS::Key")
    )


@pytest.mark.parametrize("stage", STAGES)
def test_idle_month_matches_a_bill_computed_from_the_template(stage, sheet):
    template = build_template(STACK, stage)
    month = idle_month(STACK, stage, sheet, "always", template=template)
    # Warm-up pings stay within Lambda's, Scheduler's and CloudWatch's free tiers.
    assert month.bill.total == _independent_idle_bill(template)


@pytest.fixture(scope="module")
def idle_documents() -> dict[str, dict]:
    """`ops cost idle -f json` of each stage, run once for the format tests below."""
    from typer.testing import CliRunner

    out = {}
    for stage in STAGES:
        result = CliRunner().invoke(app, ["idle", "--stage", stage, "-f", "json"])
        assert result.exit_code == 0, result.output
        out[stage] = json.loads(result.stdout)
    return out


@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize("fmt", ["table", "csv", "markdown", "html"])
def test_cli_idle_prints_every_line_with_its_meter(runner, stage, fmt, sheet, idle_documents):
    result = runner.invoke(app, ["idle", "--stage", stage, "--format", fmt])
    assert result.exit_code == 0, result.stderr
    document = idle_documents[stage]
    lines = [line for service in document["services"].values() for line in service["lines"]]
    assert lines
    for line in lines:
        assert line["meter"] in sheet.meters
        assert line["buys"], line
        if fmt in ("table", "csv", "markdown"):
            assert line["meter"] in result.stdout
    assert document["stage"] == stage
    assert {"currency", "total", "services", "free_tier", "price_sheet"} <= set(document)
    assert round(sum(line["cost"] for line in lines), 2) == document["total"]


def test_cli_idle_unknown_stage_is_exit_2(runner):
    result = runner.invoke(app, ["idle", "--stage", "staging"])
    assert result.exit_code == 2
    assert "--stage" in result.stderr and "dev" in result.stderr


def test_projection_adds_the_templates_idle_and_traffic_lines(runner, tmp_path):
    from infra.template import names

    from ops.cost.metrics_export import COLUMNS

    t0, w = "2026-01-01T00:00:00Z", 262800
    rest = names.rest_api_name(STACK, "prod")
    rows = [
        f"{t0},AWS/ApiGateway,Count,ApiName={rest};Stage={STACK.rest_api.stage},Sum,100000,{w}",
        f"{t0},ChatPlatform,ActiveUsers,service=auth,Maximum,100,{w}",
    ]
    export = tmp_path / "m.csv"
    export.write_text("\n".join([",".join(COLUMNS), *rows]) + "\n")
    template = build_template(STACK, "prod")
    result = runner.invoke(
        app, ["project", "--metrics", str(export), "--stage", "prod", "--tiers", "t=1000", "-f", "json", "--no-warmup"]
    )
    assert result.exit_code == 0, result.stderr
    services = json.loads(result.stdout)["tiers"][0]["services"]
    meters = {line["meter"]: line for s in services.values() for line in s["lines"]}
    # 10,000 REST requests a user-month x 1,000 users, each inspected by the web ACL; the canary
    # adds its one request a minute to the bill (every tier pays it), not to the users' traffic
    canary = 730 * 60 * sum(f.schedule is not None for f in STACK.functions)
    assert meters["apigateway.rest_requests"]["quantity"] == pytest.approx(10_000_000 + canary)
    assert meters["waf.requests"]["quantity"] == pytest.approx(10_000_000)
    assert meters["waf.web_acls"]["quantity"] == 1
    dashboards = sum(r["Type"] == "AWS::CloudWatch::Dashboard" for r in template["Resources"].values())
    assert meters["cloudwatch.dashboards"]["quantity"] == dashboards
    assert meters["kms.keys"]["quantity"] == 1
    methods = sum(r["Type"] == "AWS::ApiGateway::Method" for r in template["Resources"].values())
    assert meters["cloudwatch.custom_metrics"]["quantity"] >= 5 * methods  # detailed metrics
