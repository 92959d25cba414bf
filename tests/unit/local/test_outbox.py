"""The outbox tells apart what reaches the email topic's subscribers: the notifier's readable
email, CloudWatch's own email of an alarm-path alarm, and the notifier's on-failure record."""

from __future__ import annotations

import json

from ops.local.outbox import email_delivery

ALARM = {
    "AlarmName": "chat-platform-dev-notifier-lambda-error-count-critical",
    "AlarmDescription": "[CRITICAL] notifier function: errors >= 1\nRunbook: https://x/docs/runbooks.md#lambda_error_count",
    "NewStateValue": "ALARM",
    "OldStateValue": "OK",
    "NewStateReason": "Threshold Crossed: 1 out of the last 15 datapoints [3.0 (03/12/26 17:00:00)] was greater than "
    "or equal to the threshold (1.0)",
    "Region": "US East (N. Virginia)",
    "Trigger": {
        "ComparisonOperator": "GreaterThanOrEqualToThreshold",
        "Threshold": 1.0,
        "DatapointsToAlarm": 1,
        "EvaluationPeriods": 15,
        "Period": 60,
    },
}


def _sns(message: str, subject: str = "") -> dict[str, str]:
    return {"Type": "Notification", "Subject": subject, "Message": message}


def test_cloudwatchs_own_message_reads_as_snss_alarm_email() -> None:
    line = email_delivery(_sns(json.dumps(ALARM), 'ALARM: "x" in US East (N. Virginia)'))
    assert line["channel"] == "sns-email"
    assert (line["alarm"], line["state"]) == (ALARM["AlarmName"], "ALARM")
    text = line["text"]
    assert "State Change: OK -> ALARM" in text
    assert "[3.0 (03/12/26 17:00:00)]" in text  # the value CloudWatch saw
    assert "GreaterThanOrEqualToThreshold 1.0 for at least 1 of the last 15 period(s)" in text
    assert "runbooks.md#lambda_error_count" in text


def test_the_notifiers_on_failure_record_carries_the_lost_page() -> None:
    page = {"AlarmName": "chat-platform-dev-service-health", "NewStateValue": "ALARM"}
    record = {
        "requestContext": {"condition": "RetriesExhausted", "approximateInvokeCount": 3},
        "requestPayload": {"Records": [{"Sns": {"Message": json.dumps(page)}}]},
        "responsePayload": {"errorType": "InjectedFault"},
    }
    line = email_delivery(_sns(json.dumps(record)))
    assert line["channel"] == "lambda-on-failure"
    assert (line["alarm"], line["state"]) == ("chat-platform-dev-service-health", "ALARM")
    assert "RetriesExhausted" in line["text"]


def test_the_notifiers_readable_email_stays_email() -> None:
    line = email_delivery(_sns("Alarm: chat-platform-dev-service-health\nRunbook: ...", "[ALARM][CRITICAL] service"))
    assert (line["channel"], line["alarm"], line["state"]) == ("email", "chat-platform-dev-service-health", "ALARM")
