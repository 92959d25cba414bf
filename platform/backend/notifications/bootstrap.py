"""The one place where the notifier's real channels are wired (tests wire fakes with ``use``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from backend.notifications.channels import Channel, SnsEmailChannel, WebhookChannel
from backend.notifications.config import NotifierSettings, destinations, get_notifier_settings
from backend.notifications.service import Notifier
from backend.snapstart import after_restore

_CLIENT_CONFIG = Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=2, read_timeout=5)
_current: dict[str, Notifier] = {}


@lru_cache(maxsize=4)
def _client(service: str, region: str) -> Any:
    make: Any = boto3.client
    return make(service, region_name=region, config=_CLIENT_CONFIG)


after_restore(_client.cache_clear)  # restored copies must not share the snapshot's connections


@lru_cache(maxsize=16)
def webhook_url_from_parameter(name: str, region: str) -> str | None:
    """The webhook URL kept in SSM parameter ``name`` (None when it does not exist: the webhook
    channel is simply off until someone stores the URL)."""
    try:
        response = _client("ssm", region).get_parameter(Name=name, WithDecryption=True)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "ParameterNotFound":
            return None
        raise
    value = str(response["Parameter"]["Value"]).strip()
    return value or None


def real_channels(settings: NotifierSettings) -> Callable[[str], Sequence[Channel]]:
    """Channels from the settings: webhook (URL or SSM parameter) and SNS email topic."""
    cache: dict[str, list[Channel]] = {}

    def channels(topic_arn: str) -> Sequence[Channel]:
        if topic_arn in cache:
            return cache[topic_arn]
        found = destinations(settings, topic_arn)
        out: list[Channel] = []
        url = found.webhook_url
        if url is None and found.webhook_parameter:
            url = webhook_url_from_parameter(found.webhook_parameter, settings.region)
        if url:
            out.append(WebhookChannel(url, timeout_s=settings.webhook_timeout_s))
        if found.email_topic_arn:
            out.append(SnsEmailChannel(_client("sns", settings.region), found.email_topic_arn))
        cache[topic_arn] = out
        return out

    return channels


def notifier(on_result: Callable[[str, bool, str], None] | None = None) -> Notifier:
    """The process's notifier (built on first use)."""
    if "notifier" not in _current:
        _current["notifier"] = Notifier(real_channels(get_notifier_settings()), on_result)
    return _current["notifier"]


def use(replacement: Notifier | None) -> None:
    """Replace the notifier (tests); None resets it to the real one."""
    _current.pop("notifier", None)
    if replacement is not None:
        _current["notifier"] = replacement
