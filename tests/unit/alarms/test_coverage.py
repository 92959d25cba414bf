"""Every failure of issue 14 raises an alarm, replayed over recorded-looking metrics with the
backtest's CloudWatch rule (M of N, missing data, metric math); healthy traffic raises none."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
from infra import STACK

from alarms import AlarmSet, build_alarms
from alarms.backtest import backtest
from alarms.config import load_thresholds, parse_thresholds
from alarms.runbooks import default_runbook_url
from alarms.spec import AlarmSpec
from kit.source import StaticSource
from tests.unit.dashboards.synthetic import EMITTERS

START = dt.datetime(2026, 11, 30, 3, 0, tzinfo=dt.UTC)
ROOT = Path(__file__).resolve().parents[3]
# Per period: metric name -> value (None: no datapoint).
Traffic = Mapping[str, Callable[[int], float | None]]


@pytest.fixture(scope="module")
def dev_alarms() -> AlarmSet:
    return build_alarms(STACK, "dev")


def _fires(spec: AlarmSpec, traffic: Traffic, periods: int = 10, *, settled: bool = False) -> int:
    """How many times ``spec`` fires when its metrics follow ``traffic`` (unlisted metrics
    send no data at all). ``settled``: only fires once a whole window of data exists (the
    replay sees nothing before its start, which a breaching alarm reads as a breach)."""
    base = int(START.timestamp())
    series = {}
    for metric in spec.metrics:
        value_of = traffic.get(metric.name)
        if value_of is None:
            continue
        points = {base + spec.period * p: value_of(p) for p in range(periods)}
        series[metric] = {t: v for t, v in points.items() if v is not None}
    end = START + dt.timedelta(seconds=spec.period * periods)
    (outcome,) = backtest([spec], StaticSource(series), START, end)
    assert not outcome.notes, outcome.notes
    if settled:
        first = base + spec.period * spec.evaluation_periods
        return sum(1 for t in outcome.transitions if t.state == "ALARM" and t.at >= first)
    return outcome.fires


def _paging(alarm_set: AlarmSet, *, function: str | None = None, check: str | None = None) -> list[AlarmSpec]:
    """The alarms that page (children of ServiceHealth), optionally of one function or check."""
    children = set(alarm_set.find("service-health").children)  # type: ignore[union-attr]
    return [
        a
        for a in alarm_set.alarms
        if a.name in children and (function is None or a.function == function) and (check is None or a.check == check)
    ]


def _any_fires(specs: list[AlarmSpec], traffic: Traffic) -> list[str]:
    return [s.name for s in specs if _fires(s, traffic)]


def always(value: float | None) -> Callable[[int], float | None]:
    return lambda _period: value


# ------------------------------------------------------------------------- thin traffic


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_a_function_failing_on_all_of_8_invocations_a_minute_pages(stage: str) -> None:
    alarm_set = build_alarms(STACK, stage)
    failing = {"Invocations": always(8.0), "Errors": always(8.0)}
    fired = _any_fires(_paging(alarm_set, function="chat"), failing)
    assert f"chat-platform-{stage}-chat-lambda-error-count-critical" in fired


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_rest_5xx_on_15_requests_a_minute_pages(stage: str) -> None:
    alarm_set = build_alarms(STACK, stage)
    rest = [a for a in _paging(alarm_set) if a.resource == "REST API"]
    fired = _any_fires(rest, {"Count": always(15.0), "5XXError": always(15.0)})
    assert f"chat-platform-{stage}-rest-5xx-count-critical" in fired


def test_one_failing_request_a_minute_pages_when_it_is_all_the_traffic(dev_alarms: AlarmSet) -> None:
    fired = _any_fires(_paging(dev_alarms, function="chat"), {"Invocations": always(1.0), "Errors": always(1.0)})
    assert fired == ["chat-platform-dev-chat-lambda-error-count-critical"]


@pytest.mark.parametrize(
    "traffic",
    [
        # healthy at night, during the day, and in bursts: nothing fails
        {"Invocations": always(1.0), "Errors": always(0.0)},
        {"Invocations": always(300.0), "Errors": always(0.0)},
        {"Invocations": lambda p: 900.0 if p % 3 == 0 else 2.0, "Errors": always(0.0)},
        # busy and almost healthy: 2 errors a minute among 2,000 (0.1 %) is the rate's call
        {"Invocations": always(2000.0), "Errors": always(2.0)},
        # a single error in ten minutes of thin traffic
        {"Invocations": always(5.0), "Errors": lambda p: 1.0 if p == 4 else 0.0},
    ],
)
def test_healthy_or_nearly_healthy_traffic_pages_no_one(traffic: Traffic) -> None:
    prod = build_alarms(STACK, "prod")
    assert _any_fires(_paging(prod, function="chat"), traffic) == []


# ------------------------------------------------------------------------- total outage


def test_a_total_outage_with_no_traffic_at_all_pages(dev_alarms: AlarmSet) -> None:
    # Nothing reaches the API: no requests, no invocations; the canary, which runs in Lambda on
    # its schedule whatever the API does, records every probe as failed.
    fired = _any_fires(_paging(dev_alarms), {"CanaryRestSuccess": always(0.0), "CanaryWebSocketSuccess": always(0.0)})
    assert sorted(fired) == [
        "chat-platform-dev-rest-canary-failed-critical",
        "chat-platform-dev-websocket-canary-failed-critical",
    ]


def test_a_fresh_stack_without_any_data_pages_no_one(dev_alarms: AlarmSet) -> None:
    # Before the canary's first run (a fresh deploy) nothing has happened: nothing to page about.
    assert _any_fires(_paging(dev_alarms), {}) == []


def test_a_failing_probe_pages_and_a_passing_canary_does_not(dev_alarms: AlarmSet) -> None:
    rest = dev_alarms.find("rest-canary-failed-critical")
    assert isinstance(rest, AlarmSpec)
    assert _fires(rest, {"CanaryRestSuccess": always(0.0)}) == 1
    assert _fires(rest, {"CanaryRestSuccess": always(1.0)}, 20, settled=True) == 0
    # Missed runs (a cold start, a slow machine) are no evidence of an outage, even many.
    assert _fires(rest, {"CanaryRestSuccess": lambda p: None if p % 4 == 0 else 1.0}, 20, settled=True) == 0
    assert _fires(rest, {"CanaryRestSuccess": lambda p: None if p % 2 else 1.0}, 20, settled=True) == 0
    # Failed probes between missed runs still page: 3 failures within 5 minutes.
    assert _fires(rest, {"CanaryRestSuccess": lambda p: None if p % 2 else (1.0 if p < 8 else 0.0)}, 20) >= 1


def test_a_canary_that_cannot_run_pages_through_its_own_error_alarm(dev_alarms: AlarmSet) -> None:
    errors = dev_alarms.find("canary-lambda-error-count-critical")
    assert isinstance(errors, AlarmSpec)
    assert errors.name in _paging_names(dev_alarms)
    assert _fires(errors, {"Invocations": always(1.0), "Errors": always(1.0)}) == 1


def _paging_names(alarm_set: AlarmSet) -> set[str]:
    return {a.name for a in _paging(alarm_set)}


# ------------------------------------------------------------------------- WebSocket connects


def test_refused_tokens_and_unreadable_signing_keys_page(dev_alarms: AlarmSet) -> None:
    connects = [
        a for a in _paging(dev_alarms) if a.check in ("websocket_connects_refused_rate", "auth_keys_unavailable")
    ]
    refused = {"ConnectsRefused": always(40.0), "ConnectionsOpened": always(10.0)}
    assert _any_fires(connects, refused) == ["chat-platform-dev-websocket-connects-refused-rate-critical"]
    keys = {"AuthKeysUnavailable": always(1.0)}
    assert _any_fires(connects, keys) == ["chat-platform-dev-auth-keys-unavailable-critical"]
    # Expired tokens at a normal share (clients reconnect with stale tokens) do not page.
    assert _any_fires(connects, {"ConnectsRefused": always(3.0), "ConnectionsOpened": always(60.0)}) == []


# ------------------------------------------------------------------------- the alarm path


def test_one_notifier_failure_alarms_outside_the_notifier(dev_alarms: AlarmSet) -> None:
    spec = dev_alarms.find("notifier-lambda-error-count-critical")
    assert isinstance(spec, AlarmSpec)
    assert _fires(spec, {"Invocations": lambda p: 1.0 if p == 3 else None, "Errors": lambda p: 1.0 if p == 3 else None})
    assert spec.route == "alarm_path"
    assert dev_alarms.email_topic_arn == "${AlarmEmailTopic}"
    assert spec.name not in dev_alarms.composites[0].children


def test_the_notifier_has_reserved_concurrency() -> None:
    notifier = STACK.function("notifier")
    assert notifier.reserved_concurrency is not None and notifier.reserved_concurrency >= 1


# ------------------------------------------------------------------------- fan-out metrics


def test_fanout_alarms_read_only_what_their_function_emits(dev_alarms: AlarmSet) -> None:
    namespace = STACK.metrics_namespace
    for spec in dev_alarms.alarms:
        for metric in spec.metrics:
            service = metric.dimension("service")
            if metric.namespace != namespace or service is None or metric.name == "ColdStart":
                continue
            if metric.name == "DuplicateSends":
                continue  # subtracted from UserErrors; a function that never sends adds 0
            assert metric.name in EMITTERS.get(service, ()), (
                f"{spec.name} reads {metric.name} that {service} never emits"
            )


def test_the_call_function_fanout_rate_divides_like_by_like(dev_alarms: AlarmSet) -> None:
    spec = dev_alarms.find("call-fanout-failure-rate-critical")
    assert isinstance(spec, AlarmSpec)
    names = {m.name for m in spec.metrics}
    assert names == {"FanoutFailures", "FanoutDeliveries"}
    # 30 call events, 6 failed posts: 20 % of posts (the old formula divided by message deliveries).
    assert _fires(spec, {"FanoutDeliveries": always(24.0), "FanoutFailures": always(6.0)}) == 1
    latency = dev_alarms.find("call-fanout-latency-p90-critical")
    assert isinstance(latency, AlarmSpec) and latency.metric is not None
    assert latency.metric.name == "FanoutLatency"


# ------------------------------------------------------------------------- app failure metrics


@pytest.mark.parametrize(
    ("metric", "check"),
    [("DependencyErrors", "dependency_errors"), ("DependencyThrottles", "dependency_throttles")],
)
def test_the_apps_own_failure_counts_page(dev_alarms: AlarmSet, metric: str, check: str) -> None:
    for function in ("auth", "chat", "websocket", "call"):
        fired = _any_fires(_paging(dev_alarms, function=function, check=check), {metric: always(6.0)})
        assert fired == [f"chat-platform-dev-{function}-{check.replace('_', '-')}-critical"]


def test_rate_limited_users_warn_in_prod() -> None:
    prod = build_alarms(STACK, "prod")
    spec = prod.find("chat-rate-limited-warning")
    assert isinstance(spec, AlarmSpec)
    assert _fires(spec, {"RateLimited": always(30.0)}) == 1


# ------------------------------------------------------------------------- AWS metrics not watched before


def test_account_concurrency_dynamodb_latency_and_s3_errors_are_watched(dev_alarms: AlarmSet) -> None:
    account = dev_alarms.find("account-lambda-account-concurrency-critical")
    assert isinstance(account, AlarmSpec) and account.metric is not None
    assert (account.metric.namespace, account.metric.name, account.metric.dimensions) == (
        "AWS/Lambda",
        "ClaimedAccountConcurrency",
        (),
    )
    assert _fires(account, {"ClaimedAccountConcurrency": always(950.0)}) == 1
    latency = dev_alarms.find("table-dynamodb-latency-critical")
    assert isinstance(latency, AlarmSpec)
    slow_query = {"SuccessfulRequestLatency": lambda p: 700.0}
    assert _fires(latency, slow_query) == 1
    s3 = dev_alarms.find("bucket-s3-5xx-errors-critical")
    assert isinstance(s3, AlarmSpec) and s3.metric is not None
    assert s3.metric.dimension("FilterId") == "EntireBucket"
    assert _fires(s3, {"5xxErrors": always(12.0)}) == 1


def test_duplicate_sends_do_not_count_as_user_errors() -> None:
    prod = build_alarms(STACK, "prod")
    spec = prod.find("account-dynamodb-user-errors-warning")
    assert isinstance(spec, AlarmSpec)
    # Clients retrying 30 sends in 5 minutes: 30 cancelled transactions, all duplicate sends.
    assert _fires(spec, {"UserErrors": always(30.0), "DuplicateSends": always(15.0)}) == 0
    # 30 user errors that are not duplicate sends (a broken key shape) warn.
    assert _fires(spec, {"UserErrors": always(30.0), "DuplicateSends": always(0.0)}) == 1


# ------------------------------------------------------------------------- runbook links


def test_runbook_links_come_from_the_projects_metadata_never_a_placeholder(dev_alarms: AlarmSet) -> None:
    pyproject = (ROOT / "pyproject.toml").read_text()
    documentation = re.search(r'^Documentation = "([^"]+)"', pyproject, re.MULTILINE)
    assert documentation is not None
    assert default_runbook_url() == f"{documentation.group(1).rstrip('/')}/runbooks.md"
    anchors = set(re.findall(r'<a id="([a-z0-9_]+)"></a>', (ROOT / "docs" / "runbooks.md").read_text()))
    for spec in dev_alarms:
        link, _, anchor = spec.runbook.partition("#")
        assert link == default_runbook_url()
        assert anchor in anchors, f"{spec.name}: docs/runbooks.md has no anchor {anchor!r}"
        assert "example" not in spec.description()


def test_the_runbook_base_is_configurable() -> None:
    thresholds = parse_thresholds(
        {**_raw(), "runbook_url": "https://wiki.internal/chat/runbooks"},
        "dev",
    )
    assert thresholds.runbook_link("canary_failed") == "https://wiki.internal/chat/runbooks#canary_failed"
    assert load_thresholds("dev").runbook_url == default_runbook_url()


def _raw() -> dict[str, object]:
    import yaml

    from alarms.config import DEFAULT_PATH

    return dict(yaml.safe_load(DEFAULT_PATH.read_text()))
