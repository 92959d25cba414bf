"""CloudWatch's alarm messages parsed, and the text people read for each kind of alarm."""

from __future__ import annotations

import json
from typing import Any

from backend.notifications import email, slack
from backend.notifications.alarm import parse_alarm
from backend.notifications.description import parse_description
from backend.notifications.reason import parse_reason
from backend.notifications.service import notification_of


def _message(event: dict[str, Any]) -> dict[str, Any]:
    return json.loads(event["Records"][0]["Sns"]["Message"])


def test_a_metric_alarm_is_parsed(alarm_event: dict[str, Any]) -> None:
    alarm = parse_alarm(_message(alarm_event))
    assert (alarm.state, alarm.old_state, alarm.region, alarm.account_id) == (
        "ALARM",
        "OK",
        "eu-west-1",
        "111122223333",
    )
    assert alarm.trigger is not None
    assert alarm.trigger.statistic == "p90"
    assert alarm.trigger.dimensions == {"FunctionName": "chat-platform-prod-chat"}
    assert alarm.trigger.threshold == 8000.0
    assert not alarm.is_composite


def test_a_metric_math_alarm_names_its_resource_and_expression(math_event: dict[str, Any]) -> None:
    alarm = parse_alarm(_message(math_event))
    assert alarm.trigger is not None
    assert alarm.trigger.is_math
    assert alarm.trigger.dimensions == {"FunctionName": "chat-platform-prod-chat"}
    assert alarm.trigger.expression.startswith("IF(")


def test_a_composite_alarm_lists_its_triggering_children(composite_event: dict[str, Any]) -> None:
    alarm = parse_alarm(_message(composite_event))
    assert alarm.is_composite
    (child,) = alarm.children
    assert child.name == "chat-platform-prod-chat-lambda-error-rate-critical"
    assert child.state == "ALARM"


def test_the_reason_gives_the_values_and_the_threshold(alarm_event: dict[str, Any]) -> None:
    reason = parse_reason(_message(alarm_event)["NewStateReason"])
    assert reason.values == (9412.37, 8705.0, 8233.81)
    assert (reason.threshold, reason.breaching, reason.evaluated) == (8000.0, 3, 5)
    assert parse_reason("forced by a person").values == ()


def test_the_description_layout_is_read_back(alarm_event: dict[str, Any]) -> None:
    description = parse_description(_message(alarm_event)["AlarmDescription"])
    assert (description.severity, description.resource) == ("critical", "chat function")
    assert description.runbook.endswith("runbooks.md#lambda_duration_p90")
    assert description.dashboard == "chat-platform-prod-function-chat"
    assert description.log_group == "/aws/lambda/chat-platform-prod-chat"
    foreign = parse_description("Someone's hand-made alarm")
    assert (foreign.summary, foreign.severity) == ("Someone's hand-made alarm", "")


def test_an_alarm_notification_says_what_where_how_bad_since_when_and_where_to_look(
    alarm_event: dict[str, Any],
) -> None:
    notification = notification_of(alarm_event["Records"][0])
    text = slack.plain_text(notification)
    assert "CRITICAL · ALARM · chat function" in text
    assert "p90 duration &gt;= 8000 ms" in text  # what fired
    assert "9,412 ms (threshold &gt;= 8,000 ms) (3 of 5 datapoints breaching)" in text  # how bad
    assert "2025-11-25 03:08 UTC (was OK)" in text  # since when
    assert "FunctionName=chat-platform-prod-chat" in text  # where
    assert "Find the slow dependency" in text  # what to do
    titles = [link.title for link in notification.links]
    assert titles == ["Dashboard", "Runbook", "Logs query", "Traces", "Alarm"]
    urls = {link.title: link.url for link in notification.links}
    assert urls["Dashboard"].startswith(
        "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/"
    )
    assert "logs-insights" in urls["Logs query"]
    assert "*2faws*2flambda*2fchat-platform-prod-chat" in urls["Logs query"].lower()
    assert "start~'2025-11-25T02*3A38*3A12.000Z" in urls["Logs query"]


def test_an_ok_notification_says_it_is_resolved(ok_event: dict[str, Any]) -> None:
    notification = notification_of(ok_event["Records"][0])
    assert notification.state_words == "OK (resolved)"
    assert notification.value.startswith("812 ms")
    assert "Nothing to do now" in notification.action
    assert email.render(notification).subject.startswith("[OK][CRITICAL] chat function")


def test_a_metric_math_notification_shows_the_rate(math_event: dict[str, Any]) -> None:
    notification = notification_of(math_event["Records"][0])
    assert notification.value == "17.65% (threshold >= 2%) (3 of 5 datapoints breaching)"
    assert any(d.startswith("Expression: IF(") for d in notification.details)


def test_a_composite_notification_names_the_triggering_alarm(composite_event: dict[str, Any]) -> None:
    notification = notification_of(composite_event["Records"][0])
    assert notification.headline == "service health is in ALARM"
    assert notification.details == (
        "chat-platform-prod-chat-lambda-error-rate-critical: ALARM since 2025-11-25 03:08 UTC",
    )
    assert "chat-platform-prod-chat-lambda-error-rate-critical" in [link.title for link in notification.links]
    assert "Logs query" not in [link.title for link in notification.links]  # no single function to look at


def test_slack_payload_and_email_respect_their_limits(composite_event: dict[str, Any]) -> None:
    notification = notification_of(composite_event["Records"][0])
    payload = slack.payload(notification)
    assert payload["blocks"][0]["type"] == "header"
    assert len(payload["blocks"][0]["text"]["text"]) <= 150
    assert all(len(field["text"]) <= 2000 for block in payload["blocks"] for field in block.get("fields", []))
    message = email.render(notification)
    assert len(message.subject) < 100
    assert message.subject.isascii()
    assert "\n" not in message.subject
    assert "Links:" in message.body


def test_a_plain_message_on_the_topic_is_still_delivered() -> None:
    record = {
        "Sns": {
            "TopicArn": "arn:aws:sns:us-east-1:1:chat-platform-prod-alarms",
            "Subject": "Hello",
            "Message": "a test",
        }
    }
    notification = notification_of(record)
    assert (notification.state, notification.headline, notification.means) == ("INFO", "Hello", "a test")


def test_a_long_subject_is_cut_for_sns(alarm_event: dict[str, Any]) -> None:
    message = _message(alarm_event)
    message["AlarmDescription"] = "[WARNING] " + "x" * 300 + ": " + "y" * 300
    record = {"Sns": {**alarm_event["Records"][0]["Sns"], "Message": json.dumps(message)}}
    subject = email.render(notification_of(record)).subject
    assert len(subject) == 99
    assert subject.endswith("...")
