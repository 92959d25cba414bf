"""What an alarm is, independent of how it is deployed (API call, CloudFormation, backtest).

An ``AlarmSpec`` watches either one metric statistic (``metric``) or a metric-math expression
over a few metrics (``queries``, exactly one of which returns data). Its description follows a
fixed layout that the notifier reads back (``backend.notifications.description``)::

    [CRITICAL] chat function: error rate >= 5% for 3 of 5 periods of 1 min
    Means: ...
    Do: ...
    Runbook: https://...#lambda_error_rate
    Dashboard: chat-platform-dev-function-chat
    Logs: /aws/lambda/chat-platform-dev-chat
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from kit.metrics import MetricStat

Severity = Literal["warning", "critical"]
# Where an alarm's ALARM/OK notifications go:
#   composite   nowhere itself: it is a child of ServiceHealth, which notifies once per incident
#               and lists the children that triggered it (critical alarms);
#   warnings    nowhere itself: it is a child of the Warnings composite, which notifies the
#               alarm topic unless ServiceHealth (its actions suppressor) is paging already;
#   topic       the alarm topic, through the notifier (a stack without composites);
#   alarm_path  the email topic directly, bypassing the notifier, for alarms about the alarm path
#               itself (a broken notifier cannot deliver the news that it is broken).
Route = Literal["composite", "warnings", "topic", "alarm_path"]
Comparison = Literal[
    "GreaterThanOrEqualToThreshold",
    "GreaterThanThreshold",
    "LessThanThreshold",
    "LessThanOrEqualToThreshold",
]
COMPARISON_SYMBOLS: dict[str, str] = {
    "GreaterThanOrEqualToThreshold": ">=",
    "GreaterThanThreshold": ">",
    "LessThanThreshold": "<",
    "LessThanOrEqualToThreshold": "<=",
}
# AlarmDescription is limited to 1024 characters; metric math alarms to 10 queries.
MAX_DESCRIPTION = 1024
MAX_QUERIES = 10
# CloudWatch's price of a standard-resolution alarm, per metric it watches, per month (USD).
ALARM_METRIC_MONTHLY_USD = 0.10


@dataclass(frozen=True)
class Query:
    """One ``MetricDataQuery`` of a metric-math alarm: a metric or an expression."""

    id: str
    metric: MetricStat | None = None
    expression: str | None = None
    label: str = ""
    return_data: bool = False


@dataclass(frozen=True)
class AlarmSpec:
    """One metric alarm, with everything a person needs to act on it."""

    name: str
    slug: str
    check: str
    severity: Severity
    resource: str
    condition: str
    means: str
    action: str
    runbook: str
    dashboard: str
    threshold: float
    comparison: Comparison
    period: int
    evaluation_periods: int
    datapoints_to_alarm: int
    treat_missing_data: str
    unit: str
    metric: MetricStat | None = None
    queries: tuple[Query, ...] = ()
    log_group: str | None = None
    function: str | None = None
    route: Route = "topic"

    def __post_init__(self) -> None:
        if (self.metric is None) == (not self.queries):
            raise ValueError(f"{self.name}: an alarm watches either one metric or metric-math queries")
        if self.queries and sum(q.return_data for q in self.queries) != 1:
            raise ValueError(f"{self.name}: exactly one query of a metric-math alarm returns data")
        if len(self.queries) > MAX_QUERIES:
            raise ValueError(f"{self.name}: {len(self.queries)} queries, CloudWatch allows {MAX_QUERIES}")

    @property
    def metrics(self) -> tuple[MetricStat, ...]:
        """Every metric the alarm reads."""
        if self.metric is not None:
            return (self.metric,)
        return tuple(q.metric for q in self.queries if q.metric is not None)

    @property
    def monthly_cost_usd(self) -> float:
        """What CloudWatch charges for the alarm each month (per metric it reads)."""
        return ALARM_METRIC_MONTHLY_USD * len(self.metrics)

    @property
    def summary(self) -> str:
        """The first line of the description: level, resource and condition."""
        return f"[{self.severity.upper()}] {self.resource}: {self.condition}"

    def description(self) -> str:
        """The AlarmDescription: what it means, what to do, where to look (<= 1024 characters)."""
        lines = [self.summary, f"Means: {self.means}", f"Do: {self.action}", f"Runbook: {self.runbook}"]
        lines.append(f"Dashboard: {self.dashboard}")
        if self.log_group:
            lines.append(f"Logs: {self.log_group}")
        text = "\n".join(lines)
        if len(text) > MAX_DESCRIPTION:
            raise ValueError(f"{self.name}: description is {len(text)} characters, CloudWatch allows {MAX_DESCRIPTION}")
        return text


@dataclass(frozen=True)
class CompositeSpec:
    """A composite alarm: ALARM when any of its children is.

    ``suppressor`` (an alarm name) holds back its actions while that alarm is in ALARM, as
    CloudWatch's ``ActionsSuppressor`` does: a change waits up to ``suppressor_wait_s`` for the
    suppressor to fire, and changes within ``suppressor_extension_s`` after the suppressor left
    ALARM are suppressed too. ``notifies`` False: a part of a bigger tree, whose top notifies.
    """

    name: str
    slug: str
    resource: str
    means: str
    action: str
    runbook: str
    dashboard: str
    children: tuple[str, ...]
    severity: Severity = "critical"
    suppressor: str | None = None
    suppressor_wait_s: int = 0
    suppressor_extension_s: int = 0
    notifies: bool = True

    @property
    def rule(self) -> str:
        """The AlarmRule: ``ALARM("a") OR ALARM("b") ...``."""
        return " OR ".join(f'ALARM("{child}")' for child in self.children)

    @property
    def summary(self) -> str:
        """The first line of the description."""
        count = len(self.children)
        return f"[{self.severity.upper()}] {self.resource}: any of {count} {self.severity} alarms is in ALARM"

    def description(self) -> str:
        """The AlarmDescription, in the same layout as a metric alarm's."""
        return "\n".join(
            [
                self.summary,
                f"Means: {self.means}",
                f"Do: {self.action}",
                f"Runbook: {self.runbook}",
                f"Dashboard: {self.dashboard}",
            ]
        )

    @property
    def monthly_cost_usd(self) -> float:
        """Composite alarms cost 0.50 USD a month each."""
        return 0.50


@dataclass(frozen=True)
class AlarmSet:
    """Every alarm of one deployment, and the topic they notify."""

    alarms: tuple[AlarmSpec, ...]
    composites: tuple[CompositeSpec, ...]
    topic_arn: str
    # Where alarms about the alarm path notify (``route="alarm_path"``): the email topic, which
    # people subscribe to directly. None: no such topic, they notify ``topic_arn``.
    email_topic_arn: str | None = None
    _index: dict[str, AlarmSpec | CompositeSpec] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for spec in self:
            if spec.name in self._index:
                raise ValueError(f"two alarms are called {spec.name!r}")
            self._index[spec.name] = spec

    def __iter__(self) -> Iterator[AlarmSpec | CompositeSpec]:
        yield from self.alarms
        yield from self.composites

    def __len__(self) -> int:
        return len(self.alarms) + len(self.composites)

    def find(self, name: str) -> AlarmSpec | CompositeSpec:
        """The alarm called ``name`` (its full name, or the part after the stack prefix);
        KeyError with the closest names otherwise."""
        if name in self._index:
            return self._index[name]
        matches = [spec for spec in self if spec.slug == name or spec.name.endswith(f"-{name}")]
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise KeyError(f"{name!r} is ambiguous: {', '.join(m.name for m in matches)}")
        close = [spec.name for spec in self if name in spec.name][:5]
        hint = f" (did you mean: {', '.join(close)})" if close else " (`ops alarms list` shows them all)"
        raise KeyError(f"no alarm {name!r}{hint}")

    def for_function(self, function: str) -> list[AlarmSpec]:
        """The alarms watching one function."""
        return [a for a in self.alarms if a.function == function]

    @property
    def monthly_cost_usd(self) -> float:
        """What all the alarms cost CloudWatch a month."""
        return sum(spec.monthly_cost_usd for spec in self)
