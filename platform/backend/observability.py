"""One Logger, Tracer and Metrics set per function process, created at import, and the
wrapper every Lambda entry point goes through.

Service name and metrics namespace come from the function's environment
(POWERTOOLS_SERVICE_NAME, POWERTOOLS_METRICS_NAMESPACE), which the stack model sets.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.metrics.provider import cold_start

from backend import correlation, init_phase
from backend.warmup import WARMUP_RESPONSE, is_warmup

_SECRET_KEYS = re.compile(r"password|token|secret|authorization|cookie|^email$|^code$", re.IGNORECASE)
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_REDACTED = "[redacted]"


def redact(value: Any, key: str = "") -> Any:
    """``value`` with secrets replaced: fields named like secrets, JWTs and email addresses."""
    if key and _SECRET_KEYS.search(key):
        return _REDACTED
    if isinstance(value, str):
        return _EMAIL.sub(_REDACTED, _JWT.sub(_REDACTED, value))
    if isinstance(value, dict):
        return {k: redact(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact(v) for v in value]
    return value


class RedactingFormatter(LambdaPowertoolsFormatter):
    """Powertools' JSON formatter with secrets taken out of every record, whatever logged it."""

    def serialize(self, log: Any) -> str:
        return super().serialize(redact(log))


logger = Logger(logger_formatter=RedactingFormatter())
# Only botocore is patched: the handlers make no other outbound calls, and patching every
# supported library costs import time on each cold start.
tracer = Tracer(patch_modules=("botocore",))
metrics = Metrics()


_MAX_HOLD_MS = 1000


def _answer_warmup(event: dict[str, Any], context: Any) -> dict[str, Any]:
    was_cold = cold_start.is_cold_start
    # The ping absorbed this environment's cold start: the next user request is warm, and
    # the ColdStart metric must say so.
    cold_start.is_cold_start = False
    request_id = getattr(context, "aws_request_id", None)
    logger.info("warm-up ping", extra={"warmup": True, "cold_start": was_cold, "function_request_id": request_id})
    metrics.add_metric(name="WarmupPings", unit=MetricUnit.Count, value=1)
    if was_cold:
        metrics.add_metric(name="WarmupColdStarts", unit=MetricUnit.Count, value=1)
    metrics.flush_metrics()
    # Several pings fired together keep several environments warm only if they overlap:
    # the schedule asks each to hold its environment briefly (see docs/warmup.md).
    hold = event.get("holdMs")
    if isinstance(hold, int) and not isinstance(hold, bool) and hold > 0:
        time.sleep(min(hold, _MAX_HOLD_MS) / 1000)
    return WARMUP_RESPONSE


def _route_of(event: dict[str, Any]) -> str | None:
    """``METHOD /resource`` of a REST request, the route key of a WebSocket one; None otherwise
    (alarm notifications, schedules: those functions log their own outcome)."""
    context = event.get("requestContext")
    if not isinstance(context, dict):
        return None
    if "routeKey" in context and "connectionId" in context:
        return str(context["routeKey"])
    if "httpMethod" in event:
        return f"{event['httpMethod']} {event.get('resource') or event.get('path')}"
    return None


def lambda_entry(
    resolve: Callable[[dict[str, Any], Any], dict[str, Any]],
    *,
    correlation_id_path: str = correlation_paths.API_GATEWAY_REST,
    prime: Callable[[], None] | None = None,
) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    """The Lambda handler for ``resolve``: warm-up short-circuit first, then logger context
    (correlation id: the caller's own, ``backend.correlation``, else ``correlation_id_path``;
    cold start), X-Ray segment and metrics flush (with ColdStart).

    ``prime`` runs once on the first warm-up ping: pure in-process work (no downstream
    call) that would otherwise land on the first user request.
    """

    @logger.inject_lambda_context(correlation_id_path=correlation_id_path, clear_state=True)
    @tracer.capture_lambda_handler(capture_response=False)
    @metrics.log_metrics(capture_cold_start_metric=True)
    def instrumented(event: dict[str, Any], context: Any) -> dict[str, Any]:
        named = correlation.supplied(event)
        if named is not None:  # the caller's own id wins over the API request id
            logger.set_correlation_id(named)
        response = resolve(event, context)
        route = _route_of(event)
        if route is not None:
            # One line per API request: what `ops logs --correlation-id` follows across functions.
            logger.info("request handled", extra={"route": route, "status": response.get("statusCode")})
        return response

    primed = prime is None
    init_phase.end()  # the entry point is the last thing a handler module builds

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        nonlocal primed
        if is_warmup(event):
            if not primed:
                primed = True
                assert prime is not None
                prime()
            return _answer_warmup(event, context)
        return instrumented(event, context)

    return handler
