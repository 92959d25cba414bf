"""The scenarios `ops alarms prove` runs: one entry per failure or healthy run.

Alarms are named by patterns over their slug (``alarms/rules`` names them
``<resource>-<check>-<level>``, the check's dashes for its underscores), so an expectation
reads like the alarm list and survives new levels. Add a scenario by adding an entry.

``fast`` scenarios run in ``make test`` (tests/integration/test_alarms_prove.py); the others
in tests/bench. ``pending`` says why a scenario cannot pass yet (none does today); such a
scenario still runs, and reports what it saw.
"""

from __future__ import annotations

from dataclasses import dataclass

SERVICE_HEALTH = "service-health"
# Where a page lands when the notifier works: its webhook and its readable email.
NOTIFIER_CHANNELS = ("webhook", "email")


@dataclass(frozen=True)
class Scenario:
    """One failure to inject (or none: a healthy run) and what must happen."""

    name: str
    traffic: str  # low, medium, fanout, bursty (ops.prove.traffic)
    fault: str | None = None
    function: str | None = None
    # Slug patterns (fnmatch) that must reach ALARM; each needs at least one alarm matching.
    expect: tuple[str, ...] = ()
    websocket: bool = False  # the traffic also opens WebSocket connections
    messages: bool = False  # the traffic also sends messages to a connected participant
    fast: bool = False
    pending: str = ""
    # Minutes of the twin's clock to wait for ALARM (and then for OK).
    within_minutes: int = 8
    # Healthy runs: how long to watch for a stray ALARM.
    minutes: int = 15
    # More faults injected with the first (kind, function), e.g. something to page about.
    also: tuple[tuple[str, str | None], ...] = ()
    # The outbox channels that must each get exactly one ALARM (then one OK) notification.
    channels: tuple[str, ...] = NOTIFIER_CHANNELS
    ok_channels: tuple[str, ...] = NOTIFIER_CHANNELS

    @property
    def healthy(self) -> bool:
        """A run without a fault: no alarm may fire."""
        return self.fault is None

    @property
    def faults(self) -> tuple[tuple[str, str | None], ...]:
        """Every fault the scenario injects."""
        return ((self.fault, self.function), *self.also) if self.fault else ()


SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "chat-errors-low-traffic",
        "low",
        "function-errors",
        "chat",
        expect=("chat-lambda-error-count-critical", SERVICE_HEALTH),
        fast=True,
    ),
    Scenario(
        "chat-errors-medium-traffic",
        "medium",
        "function-errors",
        "chat",
        # The REST 5XX rate warning fires too: Warnings waits for ServiceHealth and stays quiet.
        expect=("chat-lambda-error-rate-critical", SERVICE_HEALTH),
        fast=True,
    ),
    Scenario(
        "dependency-throttle",
        "medium",
        "dependency-throttle",
        expect=("table-dynamodb-throttles-warning", "chat-dependency-throttles-critical", SERVICE_HEALTH),
        # Each throttled request holds a client for seconds of SDK backoff (wall time): at x30
        # the 3-a-minute level took 4.2 and 7.7 twin minutes in two runs on a loaded machine.
        within_minutes=10,
    ),
    Scenario(
        "signing-keys-unavailable",
        "medium",
        "signing-keys-unavailable",
        expect=("auth-keys-unavailable-critical", SERVICE_HEALTH),
        websocket=True,
        within_minutes=12,  # warm instances keep their keys up to JWKS_CACHE_SECONDS (5 twin minutes)
    ),
    Scenario(
        "management-api-errors",
        "fanout",
        "management-api-errors",
        expect=("chat-fanout-failure-rate-critical", SERVICE_HEALTH),
        messages=True,
        within_minutes=20,  # 5-minute periods, 2 of 3
    ),
    Scenario(
        "api-outage",
        "low",
        "api-outage",
        expect=("rest-canary-failed-critical", "websocket-canary-failed-critical", SERVICE_HEALTH),
    ),
    Scenario(
        "notifier-broken",
        "medium",
        "notifier-broken",
        # Something to page about while the notifier is broken: the page cannot go through it.
        also=(("function-errors", "chat"),),
        expect=("notifier-lambda-error-count-critical", "chat-lambda-error-*-critical", SERVICE_HEALTH),
        # People still hear, around the notifier: CloudWatch's own email of the notifier's error
        # alarm (the email topic, directly), and the lost page itself, as the invocation record
        # Lambda's on-failure destination publishes to the same topic. Once fixed, the notifier
        # delivers the all-clear.
        channels=("sns-email", "lambda-on-failure"),
        ok_channels=("webhook", "email", "sns-email"),
        within_minutes=20,  # the notifier's alarm holds 15 minutes after its last failure
    ),
    Scenario("healthy-low", "low", fast=True, minutes=12),
    Scenario("healthy-medium", "medium", minutes=12),
    Scenario("healthy-bursty", "bursty", minutes=15),
)


def find(names: list[str]) -> list[Scenario]:
    """The scenarios called ``names`` (all when empty); KeyError naming the unknown ones."""
    if not names:
        return list(SCENARIOS)
    known = {s.name: s for s in SCENARIOS}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise KeyError(f"unknown scenario(s) {', '.join(unknown)}; known: {', '.join(known)}")
    return [known[n] for n in names]
