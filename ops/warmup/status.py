"""Cold starts seen by real traffic, per function, over the last days (warm-ups excluded).

Two sources that should agree: the metrics (Powertools' ColdStart over Lambda's Invocations
less the WarmupPings the handlers count) and the logs (REPORT lines with an Init Duration,
less those of warm-up requests, over all REPORT lines less warm-ups).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from infra.model import Function, Stack
from infra.template.names import function_name

_REQUEST_ID = re.compile(r"RequestId:\s*([0-9a-zA-Z-]+)")
_WARMUP_ID = re.compile(r'"function_request_id":\s*"([^"]+)"')


@dataclass(frozen=True)
class ColdStartRate:
    """One function's cold starts over user invocations, from metrics and from logs."""

    function: str
    invocations: int
    warmups: int
    cold_starts: int
    log_invocations: int
    log_cold_starts: int

    @staticmethod
    def _rate(cold: int, total: int) -> float | None:
        return round(cold / total, 4) if total > 0 else None

    @property
    def rate(self) -> float | None:
        return self._rate(self.cold_starts, self.invocations - self.warmups)

    @property
    def log_rate(self) -> float | None:
        return self._rate(self.log_cold_starts, self.log_invocations)

    def to_dict(self) -> dict[str, Any]:
        return {
            "function": self.function,
            "user_invocations": self.invocations - self.warmups,
            "warmups": self.warmups,
            "cold_starts": self.cold_starts,
            "cold_start_rate": self.rate,
            "log_user_invocations": self.log_invocations,
            "log_cold_starts": self.log_cold_starts,
            "log_cold_start_rate": self.log_rate,
        }


def _sum(
    cloudwatch: Any, namespace: str, metric: str, dimensions: dict[str, str], start: datetime, end: datetime
) -> int:
    response = cloudwatch.get_metric_statistics(
        Namespace=namespace,
        MetricName=metric,
        Dimensions=[{"Name": k, "Value": v} for k, v in dimensions.items()],
        StartTime=start,
        EndTime=end,
        Period=86400,
        Statistics=["Sum"],
    )
    return int(sum(point.get("Sum", 0) for point in response.get("Datapoints", [])))


def _log_counts(logs: Any, group: str, start: datetime, end: datetime) -> tuple[int, int]:
    window = {"logGroupName": group, "startTime": int(start.timestamp() * 1000), "endTime": int(end.timestamp() * 1000)}

    def lines(pattern: str) -> list[str]:
        out: list[str] = []
        token = None
        for _ in range(1000):
            try:
                page = logs.filter_log_events(
                    **window, filterPattern=pattern, **({"nextToken": token} if token else {})
                )
            except logs.exceptions.ResourceNotFoundException:
                return []
            out.extend(e.get("message", "") for e in page.get("events", []))
            token = page.get("nextToken")
            if not token:
                break
        return out

    warmups = {m.group(1) for line in lines('"warm-up ping"') if (m := _WARMUP_ID.search(line))}
    user_reports = [
        line for line in lines('"REPORT RequestId"') if (m := _REQUEST_ID.search(line)) and m.group(1) not in warmups
    ]
    return len(user_reports), sum("Init Duration" in line for line in user_reports)


def service_name(function: Function) -> str:
    """The Powertools service name the function's metrics carry."""
    return function.environment.get("POWERTOOLS_SERVICE_NAME", function.name)


def cold_start_rates(
    cloudwatch: Any,
    logs: Any,
    stack: Stack,
    stage: str,
    days: int,
    physical_names: Mapping[str, str] | None = None,
) -> list[ColdStartRate]:
    """Per function of the stack, over the last ``days`` days. ``physical_names`` (model name
    -> function name) replaces the stage's names, e.g. with the local twin's."""
    now = datetime.now(UTC)
    start = now - timedelta(days=days)
    end = now + timedelta(minutes=1)  # the end is exclusive and cut to whole seconds
    out = []
    for function in stack.functions:
        physical = (physical_names or {}).get(function.name) or function_name(stack, stage, function)
        service = service_name(function)
        log_invocations, log_cold = _log_counts(logs, f"/aws/lambda/{physical}", start, end)
        out.append(
            ColdStartRate(
                function=function.name,
                invocations=_sum(cloudwatch, "AWS/Lambda", "Invocations", {"FunctionName": physical}, start, end),
                warmups=_sum(cloudwatch, stack.metrics_namespace, "WarmupPings", {"service": service}, start, end),
                cold_starts=_sum(
                    cloudwatch,
                    stack.metrics_namespace,
                    "ColdStart",
                    {"function_name": physical, "service": service},
                    start,
                    end,
                ),
                log_invocations=log_invocations,
                log_cold_starts=log_cold,
            )
        )
    return out
