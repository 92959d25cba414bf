"""Push events to users' open connections: resolve connections, fan out, clean up the gone."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from botocore.exceptions import ClientError

from backend import adapters
from backend.correlation import FRAME_FIELD
from backend.errors import AppError
from backend.observability import logger, metrics
from backend.realtime.fanout import Report, Target
from backend.store import connections
from backend.store.table import Table


def targets_of(table: Table, user_ids: Iterable[str], exclude_connection: str | None = None) -> list[Target]:
    """Every open connection of ``user_ids`` (one BatchGetItem per 100 users). Expired
    entries found on the way are pruned (one UpdateItem per user that has any)."""
    found = connections.of_users(table, user_ids)
    for user_id, of_user in found.items():
        if of_user.expired:
            connections.prune(table, user_id, of_user.expired)
    return [Target(c, u) for u, of_user in found.items() for c in of_user.open if c != exclude_connection]


def push(
    table: Table,
    user_ids: Iterable[str],
    event: dict[str, Any],
    *,
    exclude_connection: str | None = None,
    kind: str = "event",
) -> Report:
    """Deliver ``event`` to every open connection of ``user_ids``; record what happened.

    Never raises for a dependency failure: a push follows a committed write, which must be
    answered as done; a peer that misses the event catches up (docs/realtime.md)."""
    try:
        targets = targets_of(table, user_ids, exclude_connection)
    except (AppError, ClientError):
        metrics.add_metric(name="FanoutFailures", unit=MetricUnit.Count, value=1)
        logger.warning("fan-out skipped: connections could not be read", extra={"event_type": event.get("type")})
        return Report()
    return push_to(table, targets, event, kind=kind)


def push_to(table: Table, targets: list[Target], event: dict[str, Any], *, kind: str = "event") -> Report:
    """Deliver ``event`` to the given connections; 410s delete the connection."""

    def forget(target: Target) -> None:
        connections.delete(table, target.connection_id, target.user_id)

    correlation_id = logger.get_correlation_id()
    if correlation_id and FRAME_FIELD not in event:
        # The id of the request that caused the event travels with it (backend.correlation).
        event = {**event, FRAME_FIELD: correlation_id}
    report = adapters.fanout().deliver(adapters.sender(), targets, event, on_gone=forget)
    record(report, targets, event, kind)
    return report


def record(report: Report, targets: list[Target], event: dict[str, Any], kind: str) -> None:
    """The metrics of one push. Deliveries, failures and latency are emitted for every push,
    whatever its kind, so that a failure rate divides failures by the posts they were part of
    and every fanning-out function has a latency; messages also count as MessagesDelivered
    (the business KPI)."""
    if not targets:
        return
    if report.gone:
        metrics.add_metric(name="StaleConnectionsRemoved", unit=MetricUnit.Count, value=len(report.gone))
    metrics.add_metric(name="FanoutDeliveries", unit=MetricUnit.Count, value=report.delivered)
    metrics.add_metric(name="FanoutFailures", unit=MetricUnit.Count, value=len(report.failed))
    metrics.add_metric(name="FanoutLatency", unit=MetricUnit.Milliseconds, value=report.seconds * 1000)
    if kind == "message":
        metrics.add_metric(name="MessagesDelivered", unit=MetricUnit.Count, value=report.delivered)
    if report.failed:
        logger.warning(
            "fan-out failures",
            extra={
                "event_type": event.get("type"),
                "kind": kind,
                "failed": len(report.failed),
                "targets": len(targets),
            },
        )


def reply(connection_id: str, user_id: str, event: dict[str, Any], table: Table) -> None:
    """Send ``event`` to one connection (the caller's own)."""
    push_to(table, [Target(connection_id, user_id)], event, kind="reply")
