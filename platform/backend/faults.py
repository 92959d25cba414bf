"""Failures of the services the backend depends on, after botocore's bounded retries with
backoff: throttling and transient errors become 503 + Retry-After (the client may retry; the
write either happened whole or not at all), counted and logged once here."""

from __future__ import annotations

from aws_lambda_powertools.metrics import MetricUnit
from botocore.exceptions import ClientError

from backend.errors import ServiceUnavailable
from backend.observability import logger, metrics

THROTTLING = {
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
    "TooManyRequestsException",
    "LimitExceededException",
}
TRANSIENT = {"InternalServerError", "InternalFailure", "ServiceUnavailable", "ServiceUnavailableException"}
RETRY_AFTER_S = 1


def dependency_busy(error: ClientError) -> ServiceUnavailable | None:
    """A 503 for throttling or a transient failure of a dependency; None for anything else."""
    code = str(error.response.get("Error", {}).get("Code", ""))
    status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
    if code in THROTTLING:
        kind = "throttled"
    elif code in TRANSIENT or status >= 500:
        kind = "transient"
    else:
        return None
    operation = error.operation_name
    metrics.add_metric(
        name="DependencyThrottles" if kind == "throttled" else "DependencyErrors", unit=MetricUnit.Count, value=1
    )
    logger.warning(
        "dependency unavailable after retries", extra={"operation": operation, "error_code": code, "fault": kind}
    )
    return ServiceUnavailable("the service is busy; retry shortly", code="service_busy", retry_after=RETRY_AFTER_S)
