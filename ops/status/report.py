"""What `ops status` reports, as plain data (JSON with ``--format json``)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class AlarmRow:
    """One alarm that is not OK."""

    name: str
    state: str
    since: str | None
    reason: str
    value: float | None = None
    threshold: float | None = None
    comparison: str = ""
    runbook: str | None = None
    composite: bool = False
    triggering: tuple[str, ...] = ()


@dataclass(frozen=True)
class FunctionRow:
    """One function over the window: traffic, errors, duration against its timeout, throttles, cold starts."""

    function: str
    invocations: float
    errors: float
    throttles: float
    cold_starts: float
    p90_ms: float | None
    timeout_ms: float

    @property
    def error_rate(self) -> float | None:
        """Errors per invocation (None without invocations)."""
        return self.errors / self.invocations if self.invocations else None

    @property
    def cold_start_rate(self) -> float | None:
        """Cold starts per invocation (None without invocations)."""
        return min(1.0, self.cold_starts / self.invocations) if self.invocations else None

    @property
    def p90_of_timeout(self) -> float | None:
        """p90 duration as a share of the timeout."""
        return self.p90_ms / self.timeout_ms if self.p90_ms is not None and self.timeout_ms else None


@dataclass(frozen=True)
class ApiRow:
    """One API over the window."""

    api: str
    requests: float
    server_errors: float
    client_errors: float
    p90_latency_ms: float | None

    @property
    def error_rate(self) -> float | None:
        """Server errors per request (None without requests)."""
        return self.server_errors / self.requests if self.requests else None


@dataclass(frozen=True)
class ErrorGroup:
    """One error message, how often it was logged, and one id to follow it by (`ops logs --correlation-id`)."""

    function: str
    message: str
    count: int
    example_id: str | None
    id_kind: str = "correlation"


@dataclass(frozen=True)
class Deployment:
    """The last deployment: the stack's status and time, or what the twin has instead."""

    stack: str
    status: str
    time: str | None
    note: str = ""


@dataclass
class Status:
    """The whole screen."""

    stage: str
    where: str
    since_s: float
    start: str
    end: str
    alarms: list[AlarmRow] = field(default_factory=list)
    functions: list[FunctionRow] = field(default_factory=list)
    apis: list[ApiRow] = field(default_factory=list)
    errors: list[ErrorGroup] = field(default_factory=list)
    deployment: Deployment | None = None
    dashboards: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def in_alarm(self) -> list[AlarmRow]:
        """The alarms in ALARM (what makes the exit code 1)."""
        return [a for a in self.alarms if a.state == "ALARM"]

    @property
    def healthy(self) -> bool:
        """Whether nothing is in ALARM."""
        return not self.in_alarm

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, with the derived rates."""
        functions = [
            {
                **asdict(f),
                "error_rate": f.error_rate,
                "cold_start_rate": f.cold_start_rate,
                "p90_of_timeout": f.p90_of_timeout,
            }
            for f in self.functions
        ]
        return {
            "stage": self.stage,
            "where": self.where,
            "healthy": self.healthy,
            "window": {"seconds": self.since_s, "start": self.start, "end": self.end},
            "alarms": [asdict(a) for a in self.alarms],
            "functions": functions,
            "apis": [{**asdict(a), "error_rate": a.error_rate} for a in self.apis],
            "errors": [asdict(e) for e in self.errors],
            "deployment": asdict(self.deployment) if self.deployment else None,
            "dashboards": self.dashboards,
            "notes": self.notes,
        }
