"""`method: snapstart`: what Lambda refuses is refused before anything is deployed, and `plan`
prices it beside pings and provisioned concurrency."""

from __future__ import annotations

from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

import pytest
from infra import STACK
from infra.model import Stack
from infra.template import TemplateError, synthesize

from ops.cost.price_sheet import load_price_sheet
from ops.warmup.cost import policy_costs
from ops.warmup.desired import Place, desired_state
from ops.warmup.policy import PolicyError, parse_policy
from ops.warmup.template import resources_for, with_snapstart


def _stack(**changes: object) -> Stack:
    chat = replace(STACK.function("chat"), **changes)  # type: ignore[arg-type]
    return replace(STACK, functions=tuple(chat if f.name == "chat" else f for f in STACK.functions))


def _problems(entry: dict[str, object], stack: Stack = STACK) -> list[str]:
    with pytest.raises(PolicyError) as raised:
        parse_policy({"functions": {"chat": entry}}, stack)
    return raised.value.problems


def test_snapstart_is_refused_where_lambda_refuses_it() -> None:
    (old,) = _problems({"method": "snapstart"}, _stack(runtime="python3.11"))
    assert "functions.chat.method" in old and "python3.12 or later" in old and "python3.11" in old
    (big,) = _problems({"method": "snapstart"}, _stack(ephemeral_storage_mb=1024))
    assert "at most 512 MB of ephemeral storage" in big and "1024 MB" in big
    (counted,) = _problems({"method": "snapstart", "concurrency": 3})
    assert "cannot be combined with provisioned concurrency" in counted
    (windowed,) = _problems({"method": "snapstart", "windows": [{"cron": "cron(* 8-9 ? * * *)"}]})
    assert "functions.chat.windows" in windowed


def test_python_3_13_and_512_mb_are_accepted() -> None:
    policy = parse_policy({"functions": {"chat": {"method": "snapstart"}}}, _stack(runtime="python3.13"))
    assert policy.functions[0].method == "snapstart"
    # Nothing to schedule or scale: SnapStart is a property of the published versions.
    state = desired_state(policy, Place(STACK, "dev", "us-east-1", "123456789012"))
    assert (state.schedules, state.targets, state.actions) == ({}, {}, {})


def test_the_template_refuses_snapstart_with_provisioned_concurrency() -> None:
    provisioned = parse_policy(
        {"functions": {"chat": {"method": "provisioned", "concurrency": 2, "windows": ["always"]}}}, STACK
    )
    snapped = with_snapstart(STACK, parse_policy({"functions": {"chat": {"method": "snapstart"}}}, STACK))
    with pytest.raises(TemplateError, match="cannot be combined with provisioned concurrency"):
        resources_for(provisioned, snapped, "dev")
    with pytest.raises(TemplateError, match=r"python3\.12 or later"):
        synthesize(
            replace(snapped, functions=tuple(replace(f, runtime="python3.11") for f in snapped.functions)), "dev"
        )


def test_plan_prices_the_three_methods_with_the_break_even() -> None:
    sheet = load_price_sheet()
    policy = parse_policy(
        {"functions": {"chat": {"method": "provisioned", "concurrency": 2, "windows": ["always"]}}}, STACK
    )
    (cost,) = policy_costs(policy, STACK, sheet)
    memory_gb = Decimal(STACK.function("chat").memory_mb) / 1024
    cache = memory_gb * 730 * 3600 * Decimal("0.0000015046")
    restores = Decimal(2 * 730)  # 2 environments, one restore each per hour
    assert cost.snapstart_restores == restores
    # A bill rounds each line to the cent: the cache and the restores are two lines.
    cent = Decimal("0.01")
    lines = [cache, restores * memory_gb * Decimal("0.0001397998")]
    assert cost.snapstart_cost == sum(line.quantize(cent, rounding=ROUND_HALF_UP) for line in lines)
    # 1 GB, always: cache 730 x 3600 x $0.0000015046 = $3.95; 1,460 restores x $0.00014 = $0.20
    assert cost.snapstart_cost == Decimal("4.15")
    assert cost.cost == cost.provisioned_cost
    break_even = (min(cost.ping_cost, cost.provisioned_cost) - cache) / (memory_gb * Decimal("0.0001397998"))
    assert cost.snapstart_break_even_restores == max(Decimal(0), break_even).quantize(Decimal(1))
    assert cost.to_dict()["cheaper"] in {"ping", "provisioned", "snapstart"}
