"""Functions that run on their own schedule (``Function.schedule``: the outage canary) as fixed
usage: the same every month whatever the users.

One run of the canary is one Scheduler invocation, one canary request of about
``RUN_MS`` at its memory, one REST request to ``GET /health`` and the request of the function
serving it, plus a few log lines. Its WebSocket probe is refused at ``$connect`` (no token),
which API Gateway does not bill as a message or a connection minute. Its four custom metrics
are counted with the app's (observability line) once CloudWatch has seen them.
"""

from __future__ import annotations

import re

from infra.model import Function, Stack

from ops.cost.errors import OptionError
from ops.cost.fixed_costs import FixedUsage
from ops.cost.usage import ApiGatewayUsage, CloudWatchUsage, LambdaFunction, SchedulerUsage, Usage

MINUTES_PER_MONTH = 730 * 60
RUN_MS = 300  # two probes on a warm path, measured in the twin in tens of ms, rounded up for AWS
HEALTH_MS = 5  # the health route answers without touching a dependency
LOG_KB_PER_RUN = 1.5  # start, two probe lines, report, EMF document
_RATE = re.compile(r"^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$")
_MINUTES = {"minute": 1, "hour": 60, "day": 1440}


def runs_per_month(expression: str) -> float:
    """Runs a month of an EventBridge Scheduler ``rate(...)`` expression.

    Raises
    ------
    OptionError
        For an expression this projection cannot price (``cron(...)``, ``at(...)``).
    """
    match = _RATE.match(expression.strip())
    if not match:
        raise OptionError(f"cannot price schedule {expression!r}: only rate(N minutes|hours|days) is supported")
    every = int(match.group(1)) * _MINUTES[match.group(2).rstrip("s")]
    if every <= 0:
        raise OptionError(f"schedule {expression!r} runs every 0 minutes")
    return MINUTES_PER_MONTH / every


def _health_function(stack: Stack) -> Function | None:
    return stack.function_for_route("GET", "/health")


def scheduled_usage(function: Function, stack: Stack) -> Usage:
    """The monthly usage of one scheduled function."""
    assert function.schedule is not None
    runs = runs_per_month(function.schedule)
    functions = [
        LambdaFunction(
            name=function.name,
            requests=runs,
            duration_ms=RUN_MS,
            memory_mb=function.memory_mb,
            architecture=function.architecture,
        )
    ]
    health = _health_function(stack)
    if health is not None:
        functions.append(
            LambdaFunction(
                name=health.name,
                requests=runs,
                duration_ms=HEALTH_MS,
                memory_mb=health.memory_mb,
                architecture=health.architecture,
            )
        )
    return Usage.model_validate(
        {
            "lambda": [f.model_dump() for f in functions],
            "scheduler": SchedulerUsage(invocations=runs).model_dump(),
            "apigateway": ApiGatewayUsage(rest_requests=runs if health is not None else 0).model_dump(),
            "cloudwatch": CloudWatchUsage(logs_ingested_gb=runs * LOG_KB_PER_RUN / 1024 / 1024).model_dump(),
        }
    )


def scheduled_fixed_usage(stack: Stack) -> list[FixedUsage]:
    """One :class:`FixedUsage` per scheduled function of the model."""
    return [
        FixedUsage(label=f"{function.name} ({function.schedule})", usage=scheduled_usage(function, stack))
        for function in stack.functions
        if function.schedule is not None
    ]
