"""AWS's recommended DynamoDB alarms: throttle events of the table and of each index, system
errors over the operations the functions use, and the account's user errors."""

from __future__ import annotations

from alarms.metrics import account_dynamodb_metric, table_metric, table_operations
from alarms.rules.base import OVERVIEW, RuleContext, Where, levels, number, query_id
from alarms.spec import MAX_QUERIES, AlarmSpec, Query


def _sum(queries: list[Query], label: str) -> tuple[Query, ...]:
    ids = ", ".join(q.id for q in queries)
    return (*queries, Query("total", expression=f"SUM([{ids}])", label=label, return_data=True))


def alarms(ctx: RuleContext) -> list[AlarmSpec]:
    """DynamoDB alarms of the stack's table."""
    target, thresholds = ctx.target, ctx.thresholds
    table = ctx.stack.table
    out: list[AlarmSpec] = []
    scopes: list[tuple[str, str, str | None]] = [("table", f"{table.logical_name} table", None)]
    scopes += [
        (index.name, f"{table.logical_name} index {index.name}", index.name) for index in table.global_secondary_indexes
    ]
    for part, resource, index in scopes:
        queries = [
            Query("reads", table_metric(target, "ReadThrottleEvents", index=index)),
            Query("writes", table_metric(target, "WriteThrottleEvents", index=index)),
        ]
        out += levels(
            ctx,
            thresholds.check("dynamodb_throttles"),
            Where((part,), resource, OVERVIEW),
            condition=lambda level: f"read + write throttle events >= {number(level)} a period",
            means="DynamoDB refuses requests; the functions retry, slow down and finally fail.",
            action=(
                "On-demand tables throttle on a hot partition or a sudden doubling of traffic: find the hot key "
                "in the logs (conversation, user) and spread it."
            ),
            unit="count",
            queries=_sum(queries, "Throttle events"),
        )
    operations = table_operations(ctx.stack)
    if operations:
        chunk = MAX_QUERIES - 1
        for start in range(0, len(operations), chunk):
            chosen = operations[start : start + chunk]
            queries = [Query(query_id("op", op), table_metric(target, "SystemErrors", operation=op)) for op in chosen]
            suffix = "" if len(operations) <= chunk else str(start // chunk + 1)
            out += levels(
                ctx,
                thresholds.check("dynamodb_system_errors"),
                Where(("table", suffix), f"{table.logical_name} table", OVERVIEW),
                condition=lambda level: f"system errors >= {number(level)} a period",
                means="DynamoDB itself answers 500s: a service-side problem in this region.",
                action="Check the AWS Health dashboard; the SDK retries, so watch the functions' error rates.",
                unit="count",
                queries=_sum(queries, "System errors"),
            )
    out += levels(
        ctx,
        thresholds.check("dynamodb_user_errors"),
        Where(("account",), "DynamoDB (account)", OVERVIEW),
        condition=lambda level: f"user errors >= {number(level)} a period",
        means="DynamoDB rejects requests as invalid (validation, missing permission, missing table) account-wide.",
        action=(
            "Search the functions' logs for ValidationException or AccessDenied; "
            "a deploy may have changed a key shape or a policy."
        ),
        unit="count",
        metric=account_dynamodb_metric("UserErrors"),
    )
    return out
