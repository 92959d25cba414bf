"""The demo's summary table and its verdict."""

from __future__ import annotations

from rich.table import Table

from ops.demo.scenario import Outcome
from ops.local.telemetry import percentile
from ops.local.twin import Twin


def _ms(values: list[float]) -> str:
    p50, p99 = percentile(values, 50), percentile(values, 99)
    if p50 is None or p99 is None:
        return "-"
    return f"{p50:.0f} / {p99:.0f} ms"


def passed(outcome: Outcome) -> bool:
    """True when every sent message was stored and delivered to every connected participant
    (and the reconnecting clients caught up on what they missed)."""
    return not outcome.not_stored and not outcome.ledger.missing() and outcome.catch_up_missing == 0


def summary(outcome: Outcome, twin: Twin) -> Table:
    """The table printed at the end of ``ops demo``."""
    ledger = outcome.ledger
    expected, done = ledger.deliveries()
    sent = len(ledger.sent)
    devices = sum(len(u.devices) for u in outcome.users)
    table = Table(title=f"Demo: a day of chat in {outcome.seconds:.1f} s", show_header=True)
    table.add_column("what")
    table.add_column("value", justify="right")
    table.add_row("users / devices / conversations", f"{len(outcome.users)} / {devices} / {len(outcome.conversations)}")
    table.add_row("REST requests", str(ledger.requests))
    table.add_row("REST latency p50 / p99", _ms(ledger.rest_latency_ms))
    table.add_row("WebSocket frames sent / received", f"{ledger.frames_sent} / {ledger.frames_received}")
    table.add_row("messages sent / stored", f"{sent} / {sent - len(outcome.not_stored)}")
    table.add_row("deliveries expected / done", f"{expected} / {done}")
    table.add_row("send-to-receive latency p50 / p99", _ms(ledger.delivery_latency_ms()))
    table.add_row("send-to-ack latency p50 / p99", _ms(ledger.ack_latency_ms))
    table.add_row(
        "catch-up after reconnect (missed / checked)", f"{outcome.catch_up_missing} / {outcome.catch_up_checked}"
    )
    table.add_row("events received", ", ".join(f"{k} {v}" for k, v in sorted(ledger.events.items())) or "-")
    errors = sum(ledger.errors.values())
    detail = ", ".join(f"{k} x{v}" for k, v in ledger.errors.items())
    table.add_row("errors", f"{errors} ({detail})" if errors else "0")
    table.add_row("failed steps", str(len(outcome.failures)))
    if twin.lambdas is not None:
        for name, runtime in twin.lambdas.functions.items():
            rate = f"{runtime.cold_starts / runtime.invocations:.1%}" if runtime.invocations else "-"
            provisioned = f", {runtime.provisioned_target} provisioned" if runtime.provisioned_target else ""
            table.add_row(
                f"function {name}",
                f"{runtime.invocations} invocations, {runtime.cold_starts} cold starts ({rate}){provisioned}, "
                f"{runtime.errors} errors, {runtime.throttles} throttles",
            )
    if twin.telemetry is not None:
        api = {"ApiName": twin.info.rest_api_name}
        count, _ = twin.telemetry.total("AWS/ApiGateway", "Count", api)
        _, server_errors = twin.telemetry.total("AWS/ApiGateway", "5XXError", api)
        table.add_row("AWS/ApiGateway Count / 5XXError (recorded)", f"{count} / {server_errors:.0f}")
        table.add_row(
            "API Gateway latency p50 / p99 (recorded)", _ms(twin.telemetry.samples("AWS/ApiGateway", "Latency", api))
        )
    verdict = "PASS: every message stored and delivered" if passed(outcome) else "FAIL: messages lost"
    table.add_row("verdict", verdict)
    return table
