"""AWS's recommended Lambda alarms for every function of the model: error rate, throttle rate,
p90 duration against the timeout, concurrency against its limit, and the cold-start rate of
the functions users wait on."""

from __future__ import annotations

from infra.model import Function

from alarms.rules.base import (
    NOTIFIER,
    OVERVIEW,
    RuleContext,
    Where,
    count_source,
    function_dashboard,
    levels,
    number,
    rate_queries,
)
from alarms.spec import AlarmSpec, Route
from kit.metrics import account_lambda_metric, business_metric, cold_start_metric, lambda_metric, serves_routes


def concurrency_limit(ctx: RuleContext, function: Function) -> tuple[int, str]:
    """The concurrency ``function`` can reach and what sets it."""
    if function.reserved_concurrency is not None:
        return function.reserved_concurrency, "its reserved concurrency"
    return ctx.thresholds.account_concurrency_limit, "the account's concurrency quota"


def _error_count(ctx: RuleContext, function: Function, where: Where, route: Route | None) -> list[AlarmSpec]:
    name = function.name
    check = ctx.thresholds.check("lambda_error_count", name)
    scope = f" (while under {number(check.max_samples)} invocations a period)" if check.max_samples > 0 else ""
    return levels(
        ctx,
        check,
        where,
        condition=lambda level: f"errors >= {number(level)} a period{scope}",
        means=(
            f"The {name} function throws or times out on thin traffic, where its error-rate alarm does not "
            "look yet; callers get errors."
            if name != NOTIFIER
            else "The notifier failed on an alarm notification: people may not have heard about an alarm."
        ),
        action=(
            "Open the logs query for the exception and the traces for the failing call; if it began with a "
            "deploy, roll back."
            if name != NOTIFIER
            else "Look at the alarm list by hand first (overview alarm status), then the notifier's logs."
        ),
        unit="count",
        route=route,
        **count_source(
            check,
            lambda_metric(ctx.target, function, "Errors"),
            [lambda_metric(ctx.target, function, "Invocations")],
            label="Errors (thin traffic)",
        ),
    )


def _function_alarms(ctx: RuleContext, function: Function) -> list[AlarmSpec]:
    target, thresholds, name = ctx.target, ctx.thresholds, function.name
    where = Where((name,), f"{name} function", function_dashboard(name), name, target.log_group(function))
    invocations = lambda_metric(target, function, "Invocations")
    # The notifier's alarms are about the alarm path: they must not travel through it.
    route: Route | None = ctx.alarm_path_route if name == NOTIFIER else None
    out = levels(
        ctx,
        check := thresholds.check("lambda_error_rate", name),
        where,
        condition=lambda level: (
            f"error rate >= {number(level)}% of invocations (once {number(check.min_samples)}+ a period)"
        ),
        means=f"The {name} function throws or times out on a share of its invocations; callers get errors.",
        action=(
            "Open the logs query for the exception and the traces for the failing call; if it began with a "
            "deploy, roll back."
        ),
        unit="%",
        route=route,
        queries=rate_queries(
            lambda_metric(target, function, "Errors"),
            [invocations],
            min_samples=check.min_samples,
            label="Error rate (%)",
        ),
    )
    out += _error_count(ctx, function, where, route)
    out += levels(
        ctx,
        check := thresholds.check("lambda_throttle_rate", name),
        where,
        condition=lambda level: f"throttle rate >= {number(level)}% of invocation attempts",
        means=f"Lambda refuses invocations of {name}: it is at its concurrency limit; callers get 429/5XX.",
        action="Check the concurrency graph; raise reserved concurrency or the account quota, or shed load.",
        unit="%",
        route=route,
        queries=rate_queries(
            lambda_metric(target, function, "Throttles"),
            [invocations, lambda_metric(target, function, "Throttles")],
            min_samples=check.min_samples,
            label="Throttle rate (%)",
        ),
    )
    timeout_ms = function.timeout_s * 1000
    out += levels(
        ctx,
        thresholds.check("lambda_duration_p90", name),
        where,
        condition=lambda level: (
            f"p90 duration >= {number(level * timeout_ms)} ms ({number(level * 100)}% of the {function.timeout_s} s"
            " timeout)"
        ),
        means=f"{name} is getting slow: one invocation in ten nears its timeout, after which it fails.",
        action=(
            "Find the slow dependency in the traces (DynamoDB, Cognito, fan-out); check for a hot key or a retry storm."
        ),
        unit="ms",
        metric=lambda_metric(target, function, "Duration", "p90"),
        threshold=lambda level: round(level * timeout_ms, 3),
        comparison="GreaterThanOrEqualToThreshold",
        route=route,
    )
    limit, source = concurrency_limit(ctx, function)
    out += levels(
        ctx,
        thresholds.check("lambda_concurrency", name),
        where,
        condition=lambda level: (
            f"concurrent executions >= {number(level * limit)} ({number(level * 100)}% of {source}, {limit})"
        ),
        means=f"{name} is close to the most instances it may run; beyond it Lambda throttles.",
        action="Check whether traffic or duration rose; raise the limit before the throttle alarm fires.",
        unit="count",
        metric=lambda_metric(target, function, "ConcurrentExecutions", "Maximum"),
        threshold=lambda level: round(level * limit, 3),
        route=route,
    )
    if serves_routes(function):
        out += levels(
            ctx,
            check := thresholds.check("lambda_cold_start_rate", name),
            where,
            condition=lambda level: f"cold-start rate >= {number(level)}% of user invocations",
            means=f"Users of {name} often land on a fresh instance and wait for its initialisation.",
            action=(
                "Compare with the warm-up policy (`ops warmup status`); widen its windows or concurrency, or "
                "trim the init (imports, clients)."
            ),
            unit="%",
            queries=rate_queries(
                cold_start_metric(ctx.stack, target, function),
                [invocations],
                subtract=[business_metric(ctx.stack, function, "WarmupPings")],
                min_samples=check.min_samples,
                label="Cold-start rate (%)",
            ),
        )
    return out


def _account_concurrency(ctx: RuleContext) -> list[AlarmSpec]:
    limit = ctx.thresholds.account_concurrency_limit
    return levels(
        ctx,
        ctx.thresholds.check("lambda_account_concurrency"),
        Where(("account",), "Lambda (account)", OVERVIEW),
        condition=lambda level: (
            f"claimed account concurrency >= {number(level * limit)} ({number(level * 100)}% of the quota, {limit})"
        ),
        means=(
            "Functions of this account and region (ours and any other) are close to the regional concurrency "
            "quota: next, every function without reserved concurrency is throttled."
        ),
        action=(
            "Find which functions grew (ConcurrentExecutions by function); raise the quota in Service Quotas "
            "(L-B99A9384), or cap a runaway function with reserved concurrency."
        ),
        unit="count",
        metric=account_lambda_metric("ClaimedAccountConcurrency"),
        threshold=lambda level: round(level * limit, 3),
    )


def alarms(ctx: RuleContext) -> list[AlarmSpec]:
    """Lambda alarms of every function in the model, and the account's claimed concurrency."""
    out: list[AlarmSpec] = []
    for function in ctx.stack.functions:
        out.extend(_function_alarms(ctx, function))
    out.extend(_account_concurrency(ctx))
    return out
