"""AWS's recommended DynamoDB alarms: throttle events of the table and of each index, system
errors over the operations the functions use, and the account's user errors."""

from __future__ import annotations

from alarms.rules.base import OVERVIEW, RuleContext, Where, levels, number, query_id
from alarms.spec import MAX_QUERIES, AlarmSpec, Query
from kit.metrics import account_dynamodb_metric, business_metric, table_metric, table_operations


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
        condition=lambda level: f"user errors (less duplicate sends) >= {number(level)} a period",
        means=(
            "DynamoDB rejects requests as invalid (validation, missing permission, missing table, cancelled "
            "transactions) account-wide, beyond the duplicate sends the app expects."
        ),
        action=(
            "Search the functions' logs for ValidationException, AccessDenied or TransactionCanceled; "
            "a deploy may have changed a key shape or a policy."
        ),
        unit="count",
        queries=_user_errors(ctx),
    )
    out += _latency(ctx, operations)
    return out


def _user_errors(ctx: RuleContext) -> tuple[Query, ...]:
    """``UserErrors`` less the app's ``DuplicateSends``: a duplicate send is a cancelled
    transaction (its idempotency guard exists), which DynamoDB counts as a user error (HTTP
    400); only ConditionalCheckFailed and throughput errors are left out of UserErrors."""
    queries = [Query("errors", account_dynamodb_metric("UserErrors"))]
    # Sends run as transactions, which need ConditionCheckItem: those functions may emit it.
    senders = [
        f
        for f in ctx.stack.functions
        if any(p.resource == "table" and "dynamodb:ConditionCheckItem" in p.actions for p in f.permissions)
    ]
    terms = []
    for index, function in enumerate(senders[: MAX_QUERIES - 2]):
        queries.append(Query(f"dup{index}", business_metric(ctx.stack, function, "DuplicateSends")))
        terms.append(f"FILL(dup{index}, 0)")
    expression = f"FILL(errors, 0) - ({' + '.join(terms)})" if terms else "FILL(errors, 0)"
    return (*queries, Query("unexpected", expression=expression, label="User errors", return_data=True))


def _latency(ctx: RuleContext, operations: tuple[str, ...]) -> list[AlarmSpec]:
    """The slowest operation's average ``SuccessfulRequestLatency`` (one alarm per nine
    operations: a metric-math alarm reads at most ten series)."""
    table = ctx.stack.table
    out: list[AlarmSpec] = []
    chunk = MAX_QUERIES - 1
    for start in range(0, len(operations), chunk):
        chosen = operations[start : start + chunk]
        queries = [
            Query(query_id("op", op), table_metric(ctx.target, "SuccessfulRequestLatency", "Average", operation=op))
            for op in chosen
        ]
        ids = ", ".join(q.id for q in queries)
        suffix = "" if len(operations) <= chunk else str(start // chunk + 1)
        out += levels(
            ctx,
            ctx.thresholds.check("dynamodb_latency"),
            Where(("table", suffix), f"{table.logical_name} table", OVERVIEW),
            condition=lambda level: f"slowest operation's average latency >= {number(level)} ms",
            means="DynamoDB answers slowly: every request path that reads or writes the table slows down with it.",
            action=(
                "Overview -> DynamoDB latency by operation: one operation (a large Query, a transaction) or all? "
                "All at once: AWS Health dashboard. One: item sizes, page sizes, hot keys."
            ),
            unit="ms",
            queries=(*queries, Query("slowest", expression=f"MAX([{ids}])", label="Slowest op (ms)", return_data=True)),
        )
    return out
