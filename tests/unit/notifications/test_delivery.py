"""Delivery: the webhook (a real receiver on 127.0.0.1), the SNS email topic (moto), the
notifier's rules for partial failures, its configuration, and the Lambda entry point."""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import boto3
import pytest
from backend.notifications import bootstrap
from backend.notifications.channels import DeliveryError, SnsEmailChannel, WebhookChannel
from backend.notifications.config import NotifierSettings, destinations
from backend.notifications.notification import Notification
from backend.notifications.service import NotificationUndelivered, Notifier, notification_of
from moto import mock_aws

from tests.support.lambda_context import FakeLambdaContext as LambdaContext

TOPIC = "arn:aws:sns:eu-west-1:111122223333:chat-platform-prod-alarms"


class Receiver:
    """A webhook endpoint on 127.0.0.1 answering each POST with the next status in ``statuses``."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses = statuses
        self.bodies: list[dict[str, Any]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                receiver.bodies.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/services/T000/B000/XXXX"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver([])
    yield server
    server.close()


@pytest.fixture
def notification(alarm_event: dict[str, Any]) -> Notification:
    return notification_of(alarm_event["Records"][0])


def test_the_webhook_gets_slack_compatible_json(receiver: Receiver, notification: Notification) -> None:
    WebhookChannel(receiver.url).send(notification)
    (body,) = receiver.bodies
    assert body["text"].startswith(":red_circle: *CRITICAL")
    assert [b["type"] for b in body["blocks"]] == ["header", "section", "section", "section", "context"]


def test_a_server_error_is_retried_once(receiver: Receiver, notification: Notification) -> None:
    receiver.statuses = [503]
    WebhookChannel(receiver.url, backoff_s=0).send(notification)
    assert len(receiver.bodies) == 2


def test_a_refusal_is_not_retried_and_the_url_stays_secret(receiver: Receiver, notification: Notification) -> None:
    receiver.statuses = [400]
    with pytest.raises(DeliveryError) as error:
        WebhookChannel(receiver.url, backoff_s=0).send(notification)
    assert len(receiver.bodies) == 1
    assert "HTTP 400" in str(error.value)
    assert "XXXX" not in str(error.value)


def test_an_unreachable_webhook_is_a_delivery_error(notification: Notification) -> None:
    with pytest.raises(DeliveryError):
        WebhookChannel("http://127.0.0.1:9/hook", timeout_s=1, backoff_s=0).send(notification)


def test_only_https_webhooks_leave_the_machine() -> None:
    with pytest.raises(ValueError, match="https"):
        WebhookChannel("http://hooks.example.com/x")


def test_email_goes_through_the_sns_email_topic(notification: Notification) -> None:
    with mock_aws():
        sns = boto3.client("sns", region_name="eu-west-1")
        topic = sns.create_topic(Name="chat-platform-prod-alarms-email")["TopicArn"]
        SnsEmailChannel(sns, topic).send(notification)
        with pytest.raises(DeliveryError, match="email delivery failed"):
            SnsEmailChannel(sns, topic + "-missing").send(notification)


class FakeChannel:
    def __init__(self, name: str, fail: bool = False) -> None:
        self.name = name
        self.fail = fail
        self.sent: list[Notification] = []

    def send(self, notification: Notification) -> None:
        if self.fail:
            raise DeliveryError(f"{self.name} is down")
        self.sent.append(notification)


def test_every_record_reaches_every_channel(alarm_event: dict[str, Any], composite_event: dict[str, Any]) -> None:
    webhook, mail = FakeChannel("webhook"), FakeChannel("email")
    event = {"Records": alarm_event["Records"] + composite_event["Records"]}
    report = Notifier(lambda topic: [webhook, mail]).handle(event)
    assert (report.records, report.delivered, report.failures) == (2, 4, [])
    assert [n.alarm for n in webhook.sent] == [n.alarm for n in mail.sent]


def test_one_channel_down_is_reported_not_retried(alarm_event: dict[str, Any]) -> None:
    results: list[tuple[str, bool]] = []
    notifier = Notifier(
        lambda topic: [FakeChannel("webhook", fail=True), FakeChannel("email")],
        lambda c, ok, d: results.append((c, ok)),
    )
    report = notifier.handle(alarm_event)
    assert report.delivered == 1
    assert report.failures == ["chat-platform-prod-chat-lambda-duration-p90-critical: webhook: webhook is down"]
    assert results == [("webhook", False), ("email", True)]


def _from_state(event: dict[str, Any], old: str) -> dict[str, Any]:
    record = copy.deepcopy(event["Records"][0])
    message = json.loads(record["Sns"]["Message"])
    message["OldStateValue"] = old
    record["Sns"]["Message"] = json.dumps(message)
    return {"Records": [record]}


def test_an_all_clear_nobody_needed_is_not_sent(ok_event: dict[str, Any]) -> None:
    # Given an alarm that leaves INSUFFICIENT_DATA for OK (a new alarm's first datapoints)
    # and one that recovers from ALARM
    channel = FakeChannel("email")
    notifier = Notifier(lambda topic: [channel])
    # When both reach the notifier
    quiet = notifier.handle(_from_state(ok_event, "INSUFFICIENT_DATA"))
    told = notifier.handle(_from_state(ok_event, "ALARM"))
    # Then only the recovery is told; the other is reported as quiet, not as a failure
    assert (quiet.delivered, quiet.failures, quiet.quiet) == (0, [], [quiet.alarms[0]])
    assert (told.delivered, told.quiet) == (1, [])
    assert [(n.state, n.old_state) for n in channel.sent] == [("OK", "ALARM")]


def test_all_channels_down_fails_the_invocation(alarm_event: dict[str, Any]) -> None:
    with pytest.raises(NotificationUndelivered):
        Notifier(lambda topic: [FakeChannel("webhook", fail=True)]).handle(alarm_event)


def test_no_channel_configured_is_reported(alarm_event: dict[str, Any]) -> None:
    report = Notifier(lambda topic: []).handle(alarm_event)
    assert report.failures == [
        "chat-platform-prod-chat-lambda-duration-p90-critical: no delivery channel is configured"
    ]


def test_destinations_follow_the_topic_the_alarm_came_through() -> None:
    settings = NotifierSettings(NOTIFIER_EMAIL_TOPIC="{topic}-email", NOTIFIER_WEBHOOK_PARAMETER="/{topic}/webhook-url")
    found = destinations(settings, TOPIC)
    assert found.email_topic_arn == f"{TOPIC}-email"
    assert found.webhook_parameter == "/chat-platform-prod-alarms/webhook-url"
    assert destinations(NotifierSettings(), TOPIC) == found  # the defaults are what the template creates
    direct = destinations(
        NotifierSettings(NOTIFIER_WEBHOOK_URL="https://hooks.example.com/x", NOTIFIER_EMAIL_TOPIC=""), TOPIC
    )
    assert (direct.webhook_url, direct.webhook_parameter, direct.email_topic_arn) == (
        "https://hooks.example.com/x",
        None,
        None,
    )


def test_the_webhook_url_is_read_from_ssm(alarm_event: dict[str, Any], receiver: Receiver) -> None:
    settings = NotifierSettings(
        AWS_REGION="eu-west-1", NOTIFIER_WEBHOOK_PARAMETER="/{topic}/webhook-url", NOTIFIER_EMAIL_TOPIC="{topic}-email"
    )
    bootstrap._ssm.cache_clear()
    bootstrap._client.cache_clear()
    with mock_aws():
        boto3.client("ssm", region_name="eu-west-1").put_parameter(
            Name="/chat-platform-prod-alarms/webhook-url", Value=receiver.url, Type="SecureString"
        )
        boto3.client("sns", region_name="eu-west-1").create_topic(Name="chat-platform-prod-alarms-email")
        moto_topic = TOPIC.replace("111122223333", "123456789012")  # moto's account
        channels = bootstrap.real_channels(settings)(moto_topic)
        assert [c.name for c in channels] == ["webhook", "email"]
        record = alarm_event["Records"][0]
        event = {"Records": [{**record, "Sns": {**record["Sns"], "TopicArn": moto_topic}}]}
        report = Notifier(bootstrap.real_channels(settings)).handle(event)
        assert report.delivered == 2
    assert len(receiver.bodies) == 1
    bootstrap._ssm.cache_clear()
    bootstrap._client.cache_clear()


def test_a_missing_parameter_switches_the_webhook_off() -> None:
    settings = NotifierSettings(AWS_REGION="eu-west-1", NOTIFIER_EMAIL_TOPIC="")
    bootstrap._ssm.cache_clear()
    bootstrap._client.cache_clear()
    with mock_aws():
        assert bootstrap.real_channels(settings)(TOPIC) == []
    bootstrap._ssm.cache_clear()
    bootstrap._client.cache_clear()


def test_the_lambda_entry_point(alarm_event: dict[str, Any], ok_event: dict[str, Any]) -> None:
    from backend.handlers.notifier import handler

    channel = FakeChannel("webhook")
    bootstrap.use(Notifier(lambda topic: [channel]))
    try:
        result = handler(alarm_event, LambdaContext())
        handler(ok_event, LambdaContext())
    finally:
        bootstrap.use(None)
    assert result == {
        "records": 1,
        "delivered": 1,
        "failures": [],
        "alarms": ["chat-platform-prod-chat-lambda-duration-p90-critical"],
        "quiet": [],
    }
    assert [n.state for n in channel.sent] == ["ALARM", "OK"]


def test_a_composite_page_says_how_bad_each_child_is(composite_event: dict[str, Any]) -> None:
    # Given CloudWatch's reason for the triggering child (what ServiceHealth's message lacks)
    child = "chat-platform-prod-chat-lambda-error-rate-critical"
    reason = "Threshold Crossed: 3 out of the last 5 datapoints [100.0] were >= the threshold (2.0)"
    asked: list[list[str]] = []

    def reasons(names: Any) -> dict[str, str]:
        asked.append(list(names))
        return {child: reason}

    channel = FakeChannel("email")
    # When the composite's notification is composed
    Notifier(lambda topic: [channel], child_reasons=reasons).handle(composite_event)
    # Then the child is looked up once and its value against the threshold is on the page
    (sent,) = channel.sent
    assert asked == [[child]]
    assert any(child in line and reason in line for line in sent.details), sent.details
    assert "value and threshold" in sent.value


def test_a_failed_child_lookup_still_pages(composite_event: dict[str, Any]) -> None:
    def broken(names: Any) -> dict[str, str]:
        raise RuntimeError("AccessDenied")

    channel = FakeChannel("email")
    report = Notifier(lambda topic: [channel], child_reasons=broken).handle(composite_event)
    assert report.delivered == 1
    (line,) = channel.sent[0].details
    assert line.startswith("chat-platform-prod-chat-lambda-error-rate-critical: ALARM")
    assert "Threshold" not in line
