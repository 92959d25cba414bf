"""Synthesis: contributors plug in, stages are checked, the output is deterministic and fast."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from infra import STACK
from infra.model import Stack
from infra.template import TemplateError, names, synthesize, template_json


def dashboard(stack: Stack, stage: str) -> dict[str, Any]:
    return {
        "OverviewDashboard": {
            "Type": "AWS::CloudWatch::Dashboard",
            "Properties": {"DashboardName": f"{names.stack_name(stack, stage)}-overview", "DashboardBody": "{}"},
        }
    }


def test_a_contributor_adds_its_resources() -> None:
    template = synthesize(STACK, "dev", contributors=[dashboard])
    assert template["Resources"]["OverviewDashboard"]["Properties"]["DashboardName"] == "chat-platform-dev-overview"


def test_importing_a_contributor_changes_no_template() -> None:
    """No registration by import: the template holds what the caller passes, nothing else."""
    core = template_json(synthesize(STACK, "dev"))
    import ops.warmup.template  # noqa: F401

    assert template_json(synthesize(STACK, "dev")) == core


def test_the_deployed_template_has_the_kits_contributors_in_order() -> None:
    from alarms.template import alarm_resources
    from dashboards.template import dashboard_resources
    from ops.deploy.synth import build_template, contributors
    from ops.warmup.template import warmup_contributor

    assert contributors() == (warmup_contributor, dashboard_resources, alarm_resources)
    resources = list(build_template(STACK, "dev")["Resources"])
    core = set(synthesize(STACK, "dev")["Resources"])
    added = [logical_id for logical_id in resources if logical_id not in core]
    dashboards = set(dashboard_resources(STACK, "dev"))
    alarms = set(alarm_resources(STACK, "dev"))
    warmups = set(warmup_contributor(STACK, "dev"))
    assert dashboards
    assert alarms
    assert set(added) == dashboards | alarms | warmups
    # Each contributor's resources follow the previous one's (dependencies aside, the order given).
    assert max(added.index(i) for i in dashboards) < max(added.index(i) for i in alarms)


def test_a_contributor_cannot_overwrite_a_resource() -> None:
    def clash(stack: Stack, stage: str) -> dict[str, Any]:
        return {names.DATA_KEY: {"Type": "AWS::KMS::Key", "Properties": {}}}

    with pytest.raises(TemplateError, match="DataKey"):
        synthesize(STACK, "prod", contributors=[clash])


def test_logical_ids_must_be_alphanumeric() -> None:
    def bad(stack: Stack, stage: str) -> dict[str, Any]:
        return {"my-alarm": {"Type": "AWS::SNS::Topic", "Properties": {}}}

    with pytest.raises(TemplateError, match="alphanumeric"):
        synthesize(STACK, "dev", contributors=[bad])


def test_an_unknown_stage_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="dev, prod"):
        synthesize(STACK, "qa")


def test_synthesis_is_deterministic() -> None:
    assert template_json(synthesize(STACK, "prod", contributors=())) == template_json(
        synthesize(STACK, "prod", contributors=())
    )


def test_compact_json_is_the_same_template() -> None:
    template = synthesize(STACK, "dev", contributors=())
    assert json.loads(template_json(template, compact=True)) == template


def test_names_are_derived_from_the_model() -> None:
    chat = STACK.function("chat")
    assert names.function_name(STACK, "dev", chat) == f"{STACK.name}-dev-chat"
    assert names.rest_resource_id(STACK, "/users/{userId}") == "RestApiResourceUsersByUserId"
    assert names.rest_method_id(STACK, "GET", "/users/{userId}") == "RestApiMethodGetUsersByUserId"
    assert names.camel("$connect") == "Connect"


def test_synthesis_is_well_under_a_second() -> None:
    started = time.perf_counter()
    for _ in range(5):
        synthesize(STACK, "prod", contributors=())
    per_run = (time.perf_counter() - started) / 5
    assert per_run < 0.2, f"synthesis took {per_run:.3f} s"


def test_a_route_declared_twice_is_an_error() -> None:
    from dataclasses import replace

    chat = STACK.function("chat")
    twin = replace(chat, name="chat-copy", rest_routes=chat.rest_routes[:1])
    with pytest.raises(TemplateError, match="declared twice"):
        synthesize(replace(STACK, functions=(*STACK.functions, twin)), "dev", contributors=())
