"""The one place where the notifier's real channels are wired (tests wire fakes with ``use``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

import boto3
from aws_lambda_powertools.utilities.parameters import SSMProvider
from aws_lambda_powertools.utilities.parameters.exceptions import GetParameterError
from botocore.config import Config
from botocore.exceptions import ClientError

from backend.notifications.channels import Channel, DeliveryError, SnsEmailChannel, WebhookChannel
from backend.notifications.config import NotifierSettings, destinations, get_notifier_settings
from backend.notifications.notification import Notification
from backend.notifications.service import Notifier
from backend.snapstart import after_restore

_CLIENT_CONFIG = Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=2, read_timeout=5)
_current: dict[str, Notifier] = {}


@lru_cache(maxsize=4)
def _client(service: str, region: str) -> Any:
    make: Any = boto3.client
    return make(service, region_name=region, config=_CLIENT_CONFIG)


# How long a webhook URL read from SSM is reused: a URL stored (or rotated) after the
# notifier started is seen within this time, and a burst of alarms costs one read.
WEBHOOK_URL_MAX_AGE_S = 60


class WebhookConfigUnreadable(RuntimeError):
    """The webhook parameter exists (or may) but could not be read: the webhook channel
    fails for this notification; the other channels still deliver it."""


@lru_cache(maxsize=4)
def _ssm(region: str) -> SSMProvider:
    return SSMProvider(boto3_client=_client("ssm", region))


# Restored SnapStart copies must not share the snapshot's connections.
after_restore(_client.cache_clear)
after_restore(_ssm.cache_clear)


def _not_found(error: GetParameterError) -> bool:
    cause = error.__cause__ or error.__context__
    if isinstance(cause, ClientError):
        return cause.response.get("Error", {}).get("Code") == "ParameterNotFound"
    return "ParameterNotFound" in str(error)


def webhook_url_from_parameter(name: str, region: str, *, max_age: int = WEBHOOK_URL_MAX_AGE_S) -> str | None:
    """The webhook URL kept in SSM parameter ``name``, read through Powertools' parameters
    utility and reused for ``max_age`` seconds. None when the parameter does not exist (the
    webhook channel is simply off until someone stores the URL); WebhookConfigUnreadable for
    any other failure (access denied, KMS, throttling)."""
    try:
        value = _ssm(region).get(name, decrypt=True, max_age=max_age)
    except GetParameterError as error:
        if _not_found(error):
            return None
        raise WebhookConfigUnreadable(f"webhook parameter {name} could not be read: {error}") from error
    text = str(value or "").strip()
    return text or None


class UnreadableWebhook:
    """Stands in for the webhook channel when its configuration could not be read: sending
    fails with the reason, so the failure is counted and logged while email still goes out."""

    name = "webhook"

    def __init__(self, reason: str) -> None:
        self._reason = reason

    def send(self, notification: Notification) -> None:
        """Always fails: there is no URL to post to."""
        raise DeliveryError(self._reason)


def real_channels(settings: NotifierSettings) -> Callable[[str], Sequence[Channel]]:
    """Channels from the settings: webhook (URL or SSM parameter, re-read once its cached value
    is older than a minute) and SNS email topic. A webhook parameter that cannot be read costs
    the webhook channel only."""

    def channels(topic_arn: str) -> Sequence[Channel]:
        found = destinations(settings, topic_arn)
        out: list[Channel] = []
        url = found.webhook_url
        if url is None and found.webhook_parameter:
            try:
                url = webhook_url_from_parameter(found.webhook_parameter, settings.region)
            except WebhookConfigUnreadable as error:
                out.append(UnreadableWebhook(str(error)))
        if url:
            out.append(WebhookChannel(url, timeout_s=settings.webhook_timeout_s))
        if found.email_topic_arn:
            out.append(SnsEmailChannel(_client("sns", settings.region), found.email_topic_arn))
        return out

    return channels


def alarm_reasons(region: str) -> Callable[[Sequence[str]], dict[str, str]]:
    """Why each named alarm is in its state now (CloudWatch's StateReason: the values it saw
    against the threshold), for a composite's page."""

    def lookup(alarm_names: Sequence[str]) -> dict[str, str]:
        found = _client("cloudwatch", region).describe_alarms(
            AlarmNames=list(alarm_names)[:100], AlarmTypes=["MetricAlarm"]
        )
        return {a["AlarmName"]: str(a.get("StateReason") or "") for a in found.get("MetricAlarms", [])}

    return lookup


def notifier(on_result: Callable[[str, bool, str], None] | None = None) -> Notifier:
    """The process's notifier (built on first use)."""
    if "notifier" not in _current:
        settings = get_notifier_settings()
        _current["notifier"] = Notifier(real_channels(settings), on_result, alarm_reasons(settings.region))
    return _current["notifier"]


def use(replacement: Notifier | None) -> None:
    """Replace the notifier (tests); None resets it to the real one."""
    _current.pop("notifier", None)
    if replacement is not None:
        _current["notifier"] = replacement
