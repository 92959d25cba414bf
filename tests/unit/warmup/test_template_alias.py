"""Every caller invokes the ``live`` alias, for every warm-up method and without a policy, and
the alias's version changes when the code or configuration changes, and only then."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from infra import STACK
from infra.model import Stack
from infra.template import names, synthesize
from infra.template.code_hash import source_digest
from infra.template.schedules import schedule_id

from alarms.template import alarm_resources
from ops.warmup.policy import parse_policy
from ops.warmup.template import resources_for, with_snapstart

POLICIES: dict[str, dict[str, Any]] = {
    "none": {},
    "ping": {
        "chat": {"method": "ping", "concurrency": 2, "windows": [{"cron": "cron(* 8-19 ? * MON-FRI *)"}]},
        "websocket": {"method": "ping", "concurrency": 1, "windows": ["always"]},
    },
    "provisioned": {
        "websocket": {"method": "provisioned", "concurrency": 3, "windows": ["always"]},
        "call": {"method": "provisioned", "concurrency": 2, "windows": [{"cron": "cron(* 9-11 ? * MON-FRI *)"}]},
    },
    "snapstart": {"chat": {"method": "snapstart"}, "websocket": {"method": "snapstart", "windows": ["always"]}},
}


def _template(policy: dict[str, Any], stack: Stack = STACK, **kwargs: Any) -> dict[str, Any]:
    parsed = parse_policy({"functions": policy}, stack)
    stack = with_snapstart(stack, parsed)

    def warmup(s: Stack, stage: str) -> dict[str, Any]:
        return resources_for(parsed, s, stage)

    return synthesize(stack, "prod", contributors=[alarm_resources, warmup], **kwargs)


def _of_type(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {k: r["Properties"] for k, r in template["Resources"].items() if r["Type"] == kind}


def _unqualified_function_arns(node: Any) -> list[str]:
    """Every place that names a function's unqualified ARN (``$LATEST``)."""
    function_ids = {names.function_id(f) for f in STACK.functions}
    found: list[str] = []
    if isinstance(node, dict):
        att = node.get("Fn::GetAtt")
        if isinstance(att, list) and att[0] in function_ids and att[1] == "Arn":
            found.append(f"GetAtt {att[0]}.Arn")
        sub = node.get("Fn::Sub")
        if isinstance(sub, str):
            found += [f"Sub {fid}.Arn" for fid in function_ids if f"${{{fid}.Arn}}" in sub]
        for value in node.values():
            found += _unqualified_function_arns(value)
    elif isinstance(node, list):
        for value in node:
            found += _unqualified_function_arns(value)
    return found


@pytest.mark.parametrize("method", sorted(POLICIES))
def test_every_caller_targets_the_live_alias(method: str) -> None:
    template = _template(POLICIES[method])
    aliases = {names.function_alias_id(f): f for f in STACK.functions}
    assert _unqualified_function_arns(template["Resources"]) == []

    for alias_id, function in aliases.items():
        alias = template["Resources"][alias_id]
        assert alias["Type"] == "AWS::Lambda::Alias"
        assert alias["Properties"]["Name"] == names.LIVE_ALIAS
        version_id = alias["Properties"]["FunctionVersion"]["Fn::GetAtt"][0]
        assert version_id.startswith(names.function_version_id(function, ""))
        assert template["Resources"][version_id]["Properties"]["FunctionName"] == {"Ref": names.function_id(function)}

    permissions = _of_type(template, "AWS::Lambda::Permission")
    assert permissions
    for logical_id, permission in permissions.items():
        assert permission["FunctionName"]["Ref"] in aliases, logical_id
    for logical_id, method_resource in _of_type(template, "AWS::ApiGateway::Method").items():
        uri = method_resource["Integration"]["Uri"]["Fn::Sub"]
        assert any(f"${{{a}}}/invocations" in uri for a in aliases), logical_id
    for logical_id, integration in _of_type(template, "AWS::ApiGatewayV2::Integration").items():
        assert any(f"${{{a}}}/invocations" in integration["IntegrationUri"]["Fn::Sub"] for a in aliases), logical_id
    for subscription in _of_type(template, "AWS::SNS::Subscription").values():
        if subscription["Protocol"] == "lambda":
            assert subscription["Endpoint"]["Ref"] in aliases
    for config in _of_type(template, "AWS::Lambda::EventInvokeConfig").values():
        assert config["Qualifier"] == names.LIVE_ALIAS

    every_schedule = _of_type(template, "AWS::Scheduler::Schedule")
    for schedule in every_schedule.values():
        assert schedule["Target"]["Arn"]["Ref"] in aliases
    # Functions that run on a schedule of their own (the canary) have one whatever the policy.
    own = {schedule_id(f) for f in STACK.functions if f.schedule is not None}
    schedules = {k: v for k, v in every_schedule.items() if k not in own}
    assert bool(schedules) == (method == "ping")
    if schedules:
        role = template["Resources"]["WarmupSchedulerRole"]["Properties"]["Policies"][0]["PolicyDocument"]
        assert all(r["Ref"] in aliases for r in role["Statement"][0]["Resource"])
    snapped = {k for k, r in _of_type(template, "AWS::Lambda::Function").items() if r.get("SnapStart") is not None}
    expected = {names.function_id(STACK.function(f)) for f in POLICIES[method]} if method == "snapstart" else set()
    assert snapped == expected
    for logical_id in snapped:
        assert template["Resources"][logical_id]["Properties"]["SnapStart"] == {"ApplyOn": "PublishedVersions"}
    targets = _of_type(template, "AWS::ApplicationAutoScaling::ScalableTarget")
    assert bool(targets) == (method == "provisioned")
    for logical_id, target in targets.items():
        assert target["ResourceId"].endswith(f":{names.LIVE_ALIAS}")
        depends = template["Resources"][logical_id]["DependsOn"]
        assert [d for d in depends if d in aliases], "provisioned concurrency waits for its alias"


def _version_ids(template: dict[str, Any]) -> dict[str, str]:
    return {
        name: logical_id
        for logical_id, r in template["Resources"].items()
        if r["Type"] == "AWS::Lambda::Version"
        for name in [r["Properties"]["FunctionName"]["Ref"]]
    }


def test_the_version_changes_with_the_code_and_only_then() -> None:
    code_key = names.code_key_parameter(STACK.functions[0])
    same = _version_ids(_template({}, code_hashes={code_key: "a" * 64}))
    assert same == _version_ids(_template({}, code_hashes={code_key: "a" * 64}))
    # The warm-up policy does not change the code: the version stays.
    assert same == _version_ids(_template(POLICIES["provisioned"], code_hashes={code_key: "a" * 64}))
    changed = _version_ids(_template({}, code_hashes={code_key: "b" * 64}))
    assert set(changed) == set(same)
    assert all(changed[f] != same[f] for f in same)


def test_the_version_changes_with_the_configuration_of_that_function_only() -> None:
    code_hashes = {names.code_key_parameter(STACK.functions[0]): "a" * 64}
    before = _version_ids(_template({}, code_hashes=code_hashes))
    bigger = replace(STACK.function("chat"), memory_mb=2048)
    stack = replace(STACK, functions=tuple(bigger if f.name == "chat" else f for f in STACK.functions))
    after = _version_ids(_template({}, stack, code_hashes=code_hashes))
    chat = names.function_id(bigger)
    assert after[chat] != before[chat]
    assert {k: v for k, v in after.items() if k != chat} == {k: v for k, v in before.items() if k != chat}


def test_a_missing_zip_hash_is_an_error_naming_the_parameter() -> None:
    with pytest.raises(KeyError, match="CodeKey"):
        synthesize(STACK, "dev", contributors=[], code_hashes={"CodeKeyOther": "a" * 64})


def test_without_a_zip_the_source_files_decide(tmp_path: Path) -> None:
    # Deterministic: the same synthesis twice is byte-identical (``ops stack synth``).
    once, twice = (json.dumps(synthesize(STACK, "dev", contributors=[])) for _ in range(2))
    assert once == twice
    root = tmp_path / "backend"
    (root / "handlers").mkdir(parents=True)
    (root / "handlers" / "chat.py").write_text("x = 1\n")
    (root / "__pycache__").mkdir()
    first = source_digest(root)
    (root / "__pycache__" / "chat.cpython-312.pyc").write_bytes(b"compiled")
    assert source_digest.__wrapped__(root) == first  # caches are not code
    (root / "handlers" / "chat.py").write_text("x = 2\n")
    assert source_digest.__wrapped__(root) != first


def test_turning_snapstart_on_publishes_a_new_version_of_that_function_only() -> None:
    code_hashes = {names.code_key_parameter(STACK.functions[0]): "a" * 64}
    before = _version_ids(_template({}, code_hashes=code_hashes))
    after = _version_ids(_template(POLICIES["snapstart"], code_hashes=code_hashes))
    changed = {f for f in before if before[f] != after[f]}
    assert changed == {names.function_id(STACK.function(f)) for f in POLICIES["snapstart"]}
