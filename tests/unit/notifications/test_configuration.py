"""The notifier's configuration read at run time: a webhook stored after a warm start is seen,
and an unreadable webhook parameter costs the webhook channel only, never email."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from backend.notifications import bootstrap
from backend.notifications.config import NotifierSettings
from backend.notifications.service import Notifier
from botocore.stub import Stubber
from moto import mock_aws

REGION = "eu-west-1"
PARAMETER = "/chat-platform-prod-alarms/webhook-url"
TOPIC = "arn:aws:sns:eu-west-1:123456789012:chat-platform-prod-alarms"  # moto's account
SETTINGS = NotifierSettings(
    AWS_REGION=REGION, NOTIFIER_WEBHOOK_PARAMETER="/{topic}/webhook-url", NOTIFIER_EMAIL_TOPIC="{topic}-email"
)


@pytest.fixture
def aws() -> Iterator[None]:
    bootstrap._ssm.cache_clear()
    bootstrap._client.cache_clear()
    with mock_aws():
        boto3.client("sns", region_name=REGION).create_topic(Name="chat-platform-prod-alarms-email")
        yield
    bootstrap._ssm.cache_clear()
    bootstrap._client.cache_clear()


def _event(alarm_event: dict[str, Any]) -> dict[str, Any]:
    record = alarm_event["Records"][0]
    return {"Records": [{**record, "Sns": {**record["Sns"], "TopicArn": TOPIC}}]}


def test_a_webhook_stored_after_a_warm_start_is_used(aws: None) -> None:
    # Given a warm notifier that has already looked for the webhook and found none
    channels = bootstrap.real_channels(SETTINGS)
    assert [c.name for c in channels(TOPIC)] == ["email"]
    # When an operator stores the webhook URL
    boto3.client("ssm", region_name=REGION).put_parameter(
        Name=PARAMETER, Value="https://hooks.example.com/T/B/X", Type="SecureString"
    )
    # Then the next notification goes to the webhook too, without a cold start
    assert [c.name for c in channels(TOPIC)] == ["webhook", "email"]


def test_a_rotated_webhook_is_seen_once_the_cached_value_expires(aws: None) -> None:
    ssm = boto3.client("ssm", region_name=REGION)
    ssm.put_parameter(Name=PARAMETER, Value="https://hooks.example.com/old", Type="SecureString")
    assert bootstrap.webhook_url_from_parameter(PARAMETER, REGION, max_age=0) == "https://hooks.example.com/old"
    ssm.put_parameter(Name=PARAMETER, Value="https://hooks.example.com/new", Type="SecureString", Overwrite=True)
    assert bootstrap.webhook_url_from_parameter(PARAMETER, REGION, max_age=0) == "https://hooks.example.com/new"


def test_an_unreadable_webhook_parameter_does_not_stop_email(aws: None, alarm_event: dict[str, Any]) -> None:
    # Given SSM refuses the read (a policy or KMS change), not a missing parameter
    results: list[tuple[str, bool, str]] = []
    notifier = Notifier(
        bootstrap.real_channels(SETTINGS), lambda channel, ok, detail: results.append((channel, ok, detail))
    )
    with Stubber(bootstrap._client("ssm", REGION)) as stub:
        stub.add_client_error("get_parameter", service_error_code="AccessDeniedException", http_status_code=400)
        # When an alarm arrives
        report = notifier.handle(_event(alarm_event))
    # Then email delivers it and the webhook's failure is counted with its reason
    assert report.delivered == 1
    assert [(channel, ok) for channel, ok, _ in results] == [("webhook", False), ("email", True)]
    assert "AccessDenied" in results[0][2]
