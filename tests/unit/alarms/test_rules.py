"""The alarms generated from the stack model: what exists, what it says, how it decides."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from infra import STACK
from infra.model import WebSocketRoute

from alarms import AlarmSet, build_alarms
from alarms.config import load_thresholds, with_check
from alarms.render import composite_alarm_args, metric_alarm_args
from alarms.spec import MAX_QUERIES, CompositeSpec
from kit.expressions import references
from tests.unit.alarms.support import EXTRA_FUNCTION, with_function

RUNBOOKS = Path(__file__).resolve().parents[3] / "docs" / "runbooks.md"


def _checks(alarm_set: AlarmSet, function: str) -> set[str]:
    return {a.check for a in alarm_set.alarms if a.function == function}


def test_every_function_gets_the_recommended_lambda_alarms(prod_alarms: AlarmSet) -> None:
    for function in STACK.functions:
        checks = _checks(prod_alarms, function.name)
        assert {"lambda_error_rate", "lambda_error_count", "lambda_throttle_rate", "lambda_duration_p90"} <= checks
        # The canary's one small instance a minute cannot crowd its limit (thresholds.yaml).
        assert ("lambda_concurrency" in checks) == (function.name != "canary")


def test_adding_a_function_adds_its_alarms_with_no_other_change(prod_alarms: AlarmSet) -> None:
    bigger = build_alarms(with_function(), "prod")
    new = {a.name for a in bigger.alarms} - {a.name for a in prod_alarms.alarms}
    assert new == {a.name for a in bigger.alarms if a.function == EXTRA_FUNCTION.name}
    # It serves a route and fans out: user-facing and business alarms too.
    assert _checks(bigger, "search") >= {"lambda_cold_start_rate", "fanout_failure_rate", "fanout_latency_p90"}
    composite = _composite(bigger, "service-health")
    assert any("search" in child for child in composite.children)


def test_business_and_cold_start_alarms_follow_the_model(prod_alarms: AlarmSet) -> None:
    fanning = {a.function for a in prod_alarms.alarms if a.check == "fanout_failure_rate"}
    assert fanning == {
        f.name for f in STACK.functions if any(p.resource == "websocket_connections" for p in f.permissions)
    }
    cold = {a.function for a in prod_alarms.alarms if a.check == "lambda_cold_start_rate"}
    assert "notifier" not in cold  # no route: nobody waits on its cold starts
    assert cold == {f.name for f in STACK.functions if f.rest_routes or f.websocket_routes}


def test_service_alarms_exist(prod_alarms: AlarmSet) -> None:
    checks = {a.check for a in prod_alarms.alarms}
    assert {
        "rest_5xx_rate",
        "rest_4xx_rate",
        "rest_latency_p90",
        "websocket_client_error_rate",
        "websocket_execution_errors",
        "websocket_integration_latency_p90",
        "dynamodb_throttles",
        "dynamodb_system_errors",
        "dynamodb_user_errors",
        "cognito_throttles",
        "sns_delivery_failures",
    } <= checks
    gsi = [a for a in prod_alarms.alarms if a.check == "dynamodb_throttles" and a.slug.startswith("gsi1-")]
    assert gsi, "each index gets its own throttle alarm"


def test_no_websocket_routes_means_no_websocket_alarms() -> None:
    stack = replace(STACK, functions=tuple(replace(f, websocket_routes=()) for f in STACK.functions))
    assert not [a for a in build_alarms(stack, "prod").alarms if a.check.startswith("websocket_")]


def _composite(alarm_set: AlarmSet, slug: str) -> CompositeSpec:
    found = alarm_set.find(slug)
    assert isinstance(found, CompositeSpec)
    return found


def test_levels_and_the_composite(prod_alarms: AlarmSet) -> None:
    assert {a.severity for a in prod_alarms.alarms} == {"warning", "critical"}
    assert [c.slug for c in prod_alarms.composites] == ["service-health", "warnings"]
    health = _composite(prod_alarms, "service-health")
    # Every critical alarm feeds ServiceHealth, except the alarm path's own, which must not
    # depend on the notifier that ServiceHealth notifies through.
    critical = {a.name for a in prod_alarms.alarms if a.severity == "critical" and a.route != "alarm_path"}
    assert set(health.children) == critical
    assert health.rule.count("ALARM(") == len(critical)
    path = {a.name for a in prod_alarms.alarms if a.route == "alarm_path"}
    assert "chat-platform-prod-notifier-lambda-error-count-critical" in path
    assert "chat-platform-prod-sns-sns-delivery-failures-critical" in path
    # Every warning feeds Warnings, which ServiceHealth suppresses while it pages.
    warnings = _composite(prod_alarms, "warnings")
    assert set(warnings.children) == {a.name for a in prod_alarms.alarms if a.severity == "warning"} - path
    assert warnings.suppressor == health.name
    assert warnings.suppressor_wait_s > 0 and warnings.suppressor_extension_s > 0
    args = composite_alarm_args(warnings, "arn:topic")
    assert args["ActionsSuppressor"] == health.name
    assert args["ActionsSuppressorWaitPeriod"] == warnings.suppressor_wait_s
    assert args["ActionsSuppressorExtensionPeriod"] == warnings.suppressor_extension_s
    assert "ActionsSuppressor" not in composite_alarm_args(health, "arn:topic")


def test_every_alarm_says_what_it_means_and_what_to_do(prod_alarms: AlarmSet) -> None:
    anchors = set(re.findall(r'<a id="([a-z0-9_]+)"></a>', RUNBOOKS.read_text()))
    for spec in prod_alarms:
        description = spec.description()
        assert len(description) <= 1024
        assert description.startswith(("[WARNING]", "[CRITICAL]"))
        assert "\nMeans: " in description
        assert "\nDo: " in description
        anchor = spec.runbook.rsplit("#", 1)[1]
        assert anchor in anchors, f"docs/runbooks.md has no section for {anchor}"
        assert len(spec.name) <= 255


def test_one_notification_per_incident(prod_alarms: AlarmSet) -> None:
    health = _composite(prod_alarms, "service-health")
    children = set(health.children) | set(_composite(prod_alarms, "warnings").children)
    for spec in prod_alarms.alarms:
        args = metric_alarm_args(spec, "arn:topic", "arn:email")
        assert args["AlarmActions"] == args["OKActions"]
        assert args["ActionsEnabled"] is True
        if spec.name in children:
            # A composite notifies for it (and lists it as a triggering child): no second message.
            assert args["AlarmActions"] == []
        else:
            assert spec.route == "alarm_path"
            assert args["AlarmActions"] == ["arn:email"]  # not through the notifier
    composite = composite_alarm_args(health, "arn:topic")
    assert composite["AlarmActions"] == composite["OKActions"] == ["arn:topic"]


def test_every_alarm_notifies_someone(prod_alarms: AlarmSet) -> None:
    spoken_for = {child for c in prod_alarms.composites for child in c.children}
    silent = [
        s.name
        for s in prod_alarms.alarms
        if not metric_alarm_args(s, "arn:topic", "arn:email")["AlarmActions"] and s.name not in spoken_for
    ]
    assert silent == []


def test_metric_math_alarms_are_well_formed(prod_alarms: AlarmSet) -> None:
    for spec in prod_alarms.alarms:
        if not spec.queries:
            continue
        assert len(spec.queries) <= MAX_QUERIES
        ids = {q.id for q in spec.queries}
        for query in spec.queries:
            if query.expression:
                assert references(query.expression) <= ids


def test_rate_alarms_ignore_thin_traffic(prod_alarms: AlarmSet) -> None:
    spec = prod_alarms.find("chat-lambda-error-rate-critical")
    expression = next(q.expression for q in spec.queries if q.return_data)
    assert expression is not None
    assert expression.startswith("IF((FILL(den0, 0)) >= 10,")


def test_duration_and_concurrency_follow_the_model() -> None:
    alarm_set = build_alarms(with_function(), "prod")
    duration = alarm_set.find("search-lambda-duration-p90-critical")
    assert duration.threshold == pytest.approx(0.8 * EXTRA_FUNCTION.timeout_s * 1000)
    assert duration.metric is not None and duration.metric.stat == "p90"
    concurrency = alarm_set.find("search-lambda-concurrency-critical")
    assert concurrency.threshold == pytest.approx(0.9 * 50)  # its reserved concurrency, not the account's
    chat = alarm_set.find("chat-lambda-concurrency-critical")
    assert chat.threshold == pytest.approx(0.9 * 1000)


def test_thresholds_come_from_the_config() -> None:
    thresholds = with_check(load_thresholds("prod"), "rest_5xx_rate", critical=7.5, warning=None)
    alarm_set = build_alarms(STACK, "prod", thresholds=thresholds)
    rest = [a for a in alarm_set.alarms if a.check == "rest_5xx_rate"]
    assert [(a.severity, a.threshold) for a in rest] == [("critical", 7.5)]


def test_a_function_name_finds_its_alarm(prod_alarms: AlarmSet) -> None:
    assert prod_alarms.find("service-health").name == "chat-platform-prod-service-health"
    with pytest.raises(KeyError, match="did you mean"):
        prod_alarms.find("chat-lambda-error")


def test_websocket_routes_added_later_bring_websocket_alarms() -> None:
    rest_only = replace(STACK, functions=tuple(replace(f, websocket_routes=()) for f in STACK.functions))
    stack = replace(
        rest_only,
        functions=(
            *rest_only.functions[:-1],
            replace(rest_only.functions[-1], websocket_routes=(WebSocketRoute("$default"),)),
        ),
    )
    assert [a for a in build_alarms(stack, "prod").alarms if a.check.startswith("websocket_")]
