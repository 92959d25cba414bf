"""What AWS should hold for a policy: Scheduler schedules (pings) and Application Auto Scaling
scalable targets and scheduled actions (provisioned concurrency). Names are deterministic,
so the template and `apply` create the same things and agree."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from infra.model import Stack
from infra.template.names import LIVE_ALIAS, function_name, stack_name

from ops.warmup.policy import FunctionPolicy, Policy

ALIAS = LIVE_ALIAS
DIMENSION = "lambda:function:ProvisionedConcurrency"
# Overlapping pings: each ping holds its environment this long, so N pings fired in the
# same minute land on N different environments instead of queueing on one.
HOLD_MS = 150


@dataclass(frozen=True)
class Schedule:
    """An EventBridge Scheduler schedule that pings one function."""

    name: str
    expression: str
    timezone: str
    target_arn: str
    input: str
    role_arn: str = field(compare=False, default="")

    def comparable(self) -> dict[str, Any]:
        return {
            "expression": self.expression,
            "timezone": self.timezone,
            "target": self.target_arn,
            "input": json.loads(self.input),
        }


@dataclass(frozen=True)
class ScalableTarget:
    """Provisioned concurrency bounds of one function alias."""

    resource_id: str
    min_capacity: int
    max_capacity: int

    @property
    def name(self) -> str:
        return self.resource_id

    def comparable(self) -> dict[str, Any]:
        return {"min": self.min_capacity, "max": self.max_capacity}


@dataclass(frozen=True)
class ScheduledAction:
    """Raise or lower provisioned concurrency at a time of day."""

    name: str
    resource_id: str
    expression: str
    timezone: str
    min_capacity: int
    max_capacity: int

    def comparable(self) -> dict[str, Any]:
        return {
            "resource": self.resource_id,
            "expression": self.expression,
            "timezone": self.timezone,
            "min": self.min_capacity,
            "max": self.max_capacity,
        }


@dataclass
class State:
    """A set of schedules, scalable targets and scheduled actions, by name."""

    schedules: dict[str, Schedule] = field(default_factory=dict)
    targets: dict[str, ScalableTarget] = field(default_factory=dict)
    actions: dict[str, ScheduledAction] = field(default_factory=dict)


@dataclass(frozen=True)
class Place:
    """Where the stack lives: stage, region, account and the scheduler's role."""

    stack: Stack
    stage: str
    region: str
    account: str
    scheduler_role_arn: str = ""
    # Physical function names by model name where they are not the stage's (the local twin's,
    # read from its info file); empty: ``<stack>-<stage>-<function>``.
    physical_names: Mapping[str, str] = field(default_factory=dict)

    @property
    def group(self) -> str:
        """The Scheduler schedule group holding every warm-up schedule of the stage."""
        return f"{stack_name(self.stack, self.stage)}-warmup"

    @property
    def action_prefix(self) -> str:
        """Prefix of every scheduled action the policy owns."""
        return f"{stack_name(self.stack, self.stage)}-warmup-"

    def physical_name(self, name: str) -> str:
        """The deployed name of function ``name`` (model name)."""
        return self.physical_names.get(name) or function_name(self.stack, self.stage, self.stack.function(name))

    def function_arn(self, name: str) -> str:
        """The ARN of the function's ``live`` alias: what pings invoke, as the APIs do."""
        return f"arn:aws:lambda:{self.region}:{self.account}:function:{self.physical_name(name)}:{ALIAS}"

    def resource_id(self, name: str) -> str:
        return f"function:{self.physical_name(name)}:{ALIAS}"

    def role_arn(self) -> str:
        return self.scheduler_role_arn or (
            f"arn:aws:iam::{self.account}:role/{stack_name(self.stack, self.stage)}-warmup-scheduler"
        )


def hour_ranges(hours: frozenset[int]) -> list[tuple[int, int]]:
    """Contiguous runs of hours: {8, 9, 10, 14} -> [(8, 10), (14, 14)]."""
    runs: list[tuple[int, int]] = []
    for hour in sorted(hours):
        if runs and hour == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], hour)
        else:
            runs.append((hour, hour))
    return runs


def ping_input(concurrency: int) -> str:
    """The warm-up payload (what the handlers recognise; see backend/warmup.py)."""
    return json.dumps(
        {"warmup": True, "concurrency": concurrency, "holdMs": HOLD_MS if concurrency > 1 else 0}, sort_keys=True
    )


def _pings(place: Place, policy: FunctionPolicy, state: State) -> None:
    for w, window in enumerate(policy.windows):
        if window.cron is None:
            expression, timezone = f"rate({policy.interval_minutes} minutes)", "UTC"
        else:
            expression, timezone = window.cron.with_minutes(f"0/{policy.interval_minutes}"), window.timezone
        for n in range(1, policy.concurrency + 1):
            name = f"{policy.function}-w{w}-p{n}"
            state.schedules[name] = Schedule(
                name,
                expression,
                timezone,
                place.function_arn(policy.function),
                ping_input(policy.concurrency),
                place.role_arn(),
            )


def _provisioned(place: Place, policy: FunctionPolicy, state: State) -> None:
    resource = place.resource_id(policy.function)
    if all(w.always for w in policy.windows):
        state.targets[resource] = ScalableTarget(resource, policy.concurrency, policy.concurrency)
        return
    state.targets[resource] = ScalableTarget(resource, 0, policy.concurrency)
    for w, window in enumerate(policy.windows):
        assert window.cron is not None
        for r, (first, last) in enumerate(hour_ranges(window.cron.hours)):
            base = f"{place.action_prefix}{policy.function}-w{w}-r{r}"
            up = window.cron.with_time(0, first)
            down = window.cron.with_time(59, 23) if last == 23 else window.cron.with_time(0, last + 1)
            state.actions[f"{base}-up"] = ScheduledAction(
                f"{base}-up", resource, up, window.timezone, policy.concurrency, policy.concurrency
            )
            state.actions[f"{base}-down"] = ScheduledAction(f"{base}-down", resource, down, window.timezone, 0, 0)


def desired_state(policy: Policy, place: Place) -> State:
    """Everything ``policy`` asks for, by name."""
    state = State()
    for function_policy in policy.functions:
        if function_policy.method == "ping":
            _pings(place, function_policy, state)
        elif function_policy.method == "provisioned":
            _provisioned(place, function_policy, state)
        # snapstart: a property of the function's published versions (the template sets it);
        # nothing to schedule or scale.
    return state
