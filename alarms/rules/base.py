"""What every rule shares: the context it reads and the builders of levels and rates."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from infra.model import Function, Stack

from alarms.config import Check, Thresholds
from alarms.spec import AlarmSpec, Comparison, Query, Route
from kit.metrics import MetricStat
from kit.target import Target

OVERVIEW = "overview"


def function_dashboard(function_name: str) -> str:
    """Suffix of a function's detail dashboard."""
    return f"function-{function_name}"


@dataclass(frozen=True)
class Where:
    """What an alarm is about: name parts, the resource in words, the dashboard to open, and
    for function alarms the function and its log group."""

    slug_parts: tuple[str, ...]
    resource: str
    dashboard: str
    function: str | None = None
    log_group: str | None = None


@dataclass(frozen=True)
class RuleContext:
    """The stack model, where it is deployed, and the thresholds of that stage."""

    stack: Stack
    target: Target
    thresholds: Thresholds

    @property
    def alarm_path_route(self) -> Route:
        """The route of alarms about the alarm path: straight to the email topic when the stack
        has the notifier (which creates that topic), else the alarm topic."""
        return "alarm_path" if notifier_function(self.stack) is not None else "topic"


NOTIFIER = "notifier"


def notifier_function(stack: Stack) -> Function | None:
    """The stack's notifier function (alarm topic -> webhook and email), if the model has one."""
    for function in stack.functions:
        if function.name == NOTIFIER:
            return function
    return None


def slug(*parts: str) -> str:
    """A name part made of lowercase letters, digits and dashes."""
    return "-".join(re.sub(r"[^a-z0-9]+", "-", p.lower()).strip("-") for p in parts if p)


def query_id(*parts: str) -> str:
    """A metric-math id (starts with a lowercase letter; letters, digits and underscores)."""
    text = "_".join(re.sub(r"[^a-zA-Z0-9]+", "_", p).strip("_") for p in parts if p)
    text = text[:1].lower() + text[1:]
    return text if text[:1].isalpha() else f"m_{text}"


def period_text(period: int) -> str:
    """``60`` -> ``1 min``, ``300`` -> ``5 min``, ``30`` -> ``30 s``."""
    return f"{period // 60} min" if period % 60 == 0 else f"{period} s"


def window_text(check: Check) -> str:
    """``for 3 of 5 periods of 1 min``."""
    return f"for {check.datapoints_to_alarm} of {check.evaluation_periods} periods of {period_text(check.period)}"


def number(value: float) -> str:
    """A threshold as people write it (``5``, ``0.5``, ``2500``)."""
    return f"{value:g}" if abs(value) < 1e6 else f"{value:,.0f}"


def rate_queries(
    numerator: MetricStat,
    denominator: Sequence[MetricStat],
    *,
    min_samples: float,
    label: str,
    subtract: Sequence[MetricStat] = (),
) -> tuple[Query, ...]:
    """Queries of ``100 * numerator / (sum of denominator - sum of subtract)`` that read 0 while
    the denominator is below ``min_samples`` (a rate over two requests means nothing)."""
    queries = [Query("num", numerator)]
    total_terms: list[str] = []
    for index, metric in enumerate(denominator):
        queries.append(Query(f"den{index}", metric))
        total_terms.append(f"FILL(den{index}, 0)")
    less_terms: list[str] = []
    for index, metric in enumerate(subtract):
        queries.append(Query(f"sub{index}", metric))
        less_terms.append(f"FILL(sub{index}, 0)")
    total = " + ".join(total_terms)
    if less_terms:
        total = f"{total} - ({' + '.join(less_terms)})"
    guard = f">= {number(min_samples)}" if min_samples > 0 else "> 0"
    expression = f"IF(({total}) {guard}, 100 * FILL(num, 0) / ({total}), 0)"
    queries.append(Query("rate", expression=expression, label=label, return_data=True))
    return tuple(queries)


def count_source(check: Check, numerator: MetricStat, traffic: Sequence[MetricStat], *, label: str) -> dict[str, Any]:
    """What a count alarm watches, as ``levels`` keywords: ``numerator`` itself when the check
    has no ``max_samples``; otherwise metric math that reads 0 once the traffic (sum of
    ``traffic``) reaches ``max_samples`` in a period. There the matching rate alarm decides,
    and a handful of errors among thousands of requests is noise for a count."""
    if check.max_samples <= 0:
        return {"metric": numerator}
    queries = [Query("num", numerator)]
    terms: list[str] = []
    for index, metric in enumerate(traffic):
        queries.append(Query(f"den{index}", metric))
        terms.append(f"FILL(den{index}, 0)")
    total = " + ".join(terms)
    expression = f"IF(({total}) < {number(check.max_samples)}, FILL(num, 0), 0)"
    queries.append(Query("count", expression=expression, label=label, return_data=True))
    return {"queries": tuple(queries)}


def levels(
    ctx: RuleContext,
    check: Check,
    where: Where,
    *,
    condition: Callable[[float], str],
    means: str,
    action: str,
    unit: str,
    metric: MetricStat | None = None,
    queries: tuple[Query, ...] = (),
    threshold: Callable[[float], float] = lambda level: level,
    comparison: Comparison = "GreaterThanOrEqualToThreshold",
    route: Route | None = None,
) -> list[AlarmSpec]:
    """One alarm per enabled level of ``check`` (warning, critical). ``route`` defaults to
    the level's: critical alarms feed ServiceHealth, warnings the Warnings composite."""
    if metric is not None:
        metric = metric.with_period(check.period)
    queries = tuple(
        Query(q.id, q.metric.with_period(check.period), q.expression, q.label, q.return_data)
        if q.metric is not None
        else q
        for q in queries
    )
    out: list[AlarmSpec] = []
    for severity, level in check.levels():
        name_slug = slug(*where.slug_parts, check.key.replace("_", "-"), severity)
        out.append(
            AlarmSpec(
                name=ctx.target.alarm_name(name_slug),
                slug=name_slug,
                check=check.key,
                severity=severity,  # type: ignore[arg-type]
                resource=where.resource,
                condition=f"{condition(level)} {window_text(check)}",
                means=means,
                action=action,
                runbook=ctx.thresholds.runbook_link(check.key),
                dashboard=ctx.target.dashboard_name(where.dashboard),
                threshold=threshold(level),
                comparison=comparison,
                period=check.period,
                evaluation_periods=check.evaluation_periods,
                datapoints_to_alarm=check.datapoints_to_alarm,
                treat_missing_data=check.treat_missing_data,
                unit=unit,
                metric=metric,
                queries=queries,
                log_group=where.log_group,
                function=where.function,
                route=route or ("composite" if severity == "critical" else "warnings"),
            )
        )
    return out
