"""The policy in the template: the same names as `apply` uses, targets wired to the functions."""

from __future__ import annotations

from infra import STACK

from ops.warmup.desired import Place, desired_state
from ops.warmup.policy import parse_policy
from ops.warmup.template import resources_for

POLICY = {
    "chat": {"method": "ping", "concurrency": 2, "windows": [{"cron": "cron(* 8-19 ? * MON-FRI *)"}]},
    "call": {"method": "provisioned", "concurrency": 3, "windows": [{"cron": "cron(* 9-11 ? * MON-FRI *)"}]},
}


def test_template_and_apply_agree_on_names() -> None:
    policy = parse_policy({"functions": POLICY}, STACK)
    resources = resources_for(policy, STACK, "dev")
    state = desired_state(policy, Place(STACK, "dev", "us-east-1", "123456789012"))
    names = {r["Properties"]["Name"] for r in resources.values() if r["Type"] == "AWS::Scheduler::Schedule"}
    assert names == set(state.schedules)
    scalable = next(r for r in resources.values() if r["Type"] == "AWS::ApplicationAutoScaling::ScalableTarget")
    assert {a["ScheduledActionName"] for a in scalable["Properties"]["ScheduledActions"]} == set(state.actions)
    assert scalable["Properties"]["ResourceId"] == "function:chat-platform-dev-call:live"
    schedule = next(r for r in resources.values() if r["Type"] == "AWS::Scheduler::Schedule")
    assert schedule["Properties"]["Target"]["Arn"] == {"Ref": "ChatFunctionLiveAlias"}
    role = resources["WarmupSchedulerRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"][0]
    assert role["Action"] == "lambda:InvokeFunction"
    assert role["Resource"] == [{"Ref": "ChatFunctionLiveAlias"}]


def test_no_policy_no_resources() -> None:
    assert resources_for(parse_policy({"functions": {}}, STACK), STACK, "dev") == {}
