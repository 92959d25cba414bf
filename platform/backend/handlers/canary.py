"""Entry point of the canary function (EventBridge Scheduler, every minute): probe the REST
and WebSocket APIs and record one success value (1 or 0) and one latency per probe."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit

from backend.observability import lambda_entry, logger, metrics
from backend.services import canary
from backend.settings import get_settings

# Metric names per probe (kit/metrics.py CANARY_CHECKS reads the same names).
_METRICS = {
    "rest": ("CanaryRestSuccess", "CanaryRestLatency"),
    "websocket": ("CanaryWebSocketSuccess", "CanaryWebSocketLatency"),
}


def _probe(event: dict[str, Any], context: Any) -> dict[str, Any]:
    settings = get_settings()
    results = canary.run(settings.rest_api_url, settings.websocket_url, settings.canary_timeout_s)
    for result in results:
        success, latency = _METRICS[result.probe]
        metrics.add_metric(name=success, unit=MetricUnit.Count, value=1 if result.ok else 0)
        metrics.add_metric(name=latency, unit=MetricUnit.Milliseconds, value=result.latency_ms)
        log = logger.info if result.ok else logger.error
        log("canary probe", extra={"probe": result.probe, "ok": result.ok, "detail": result.detail})
    return {"ok": all(r.ok for r in results), "probes": {r.probe: r.detail for r in results}}


handler = lambda_entry(_probe, correlation_id_path="id")
