"""Where notifications go: a Slack-compatible webhook (urllib, no extra dependency) and an SNS
topic whose email subscribers receive the readable text.

Each channel is a small object with ``name`` and ``send(notification)``; tests use fakes of
the same shape, or a webhook receiver on 127.0.0.1.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from typing import Any, Protocol

from backend.notifications import email, slack
from backend.notifications.notification import Notification


class DeliveryError(RuntimeError):
    """A channel could not deliver a notification."""


class Channel(Protocol):
    """A destination for notifications."""

    name: str

    def send(self, notification: Notification) -> None:
        """Deliver ``notification``; DeliveryError when it could not be delivered."""
        ...


def _allowed(url: str) -> bool:
    # Webhooks carry alarm details: HTTPS only, except a receiver on this machine (local twin, tests).
    return url.startswith("https://") or url.startswith(("http://127.0.0.1:", "http://localhost:", "http://[::1]:"))


class WebhookChannel:
    """POSTs Slack-compatible JSON to a webhook URL; one retry on a 5xx or a network error."""

    name = "webhook"

    def __init__(self, url: str, *, timeout_s: float = 5.0, retries: int = 1, backoff_s: float = 0.5) -> None:
        if not _allowed(url):
            raise ValueError("the webhook URL must use https:// (or http:// on 127.0.0.1/localhost)")
        self._url = url
        self._timeout_s = timeout_s
        self._retries = retries
        self._backoff_s = backoff_s

    def send(self, notification: Notification) -> None:
        """POST the payload; DeliveryError after the last failed attempt."""
        data = json.dumps(slack.payload(notification)).encode()
        last = ""
        for attempt in range(self._retries + 1):
            if attempt:
                time.sleep(self._backoff_s * attempt)
            request = urllib.request.Request(  # noqa: S310 - the scheme is checked in __init__
                self._url, data=data, method="POST", headers={"Content-Type": "application/json"}
            )
            try:
                with urllib.request.urlopen(request, timeout=self._timeout_s) as response:  # noqa: S310
                    response.read()
                    return
            except urllib.error.HTTPError as error:
                last = f"HTTP {error.code}"
                if error.code < 500 and error.code != 429:
                    break  # the receiver refuses this payload: retrying will not help
            except (urllib.error.URLError, TimeoutError, OSError) as error:
                last = type(error).__name__ if not str(error) else str(error)
        # The URL is a secret (it authorises posting): never put it in an error or a log.
        raise DeliveryError(f"webhook delivery failed: {last}")


class SnsEmailChannel:
    """Publishes the email text to an SNS topic that people subscribe to by email."""

    name = "email"

    def __init__(self, sns_client: Any, topic_arn: str) -> None:
        self._sns = sns_client
        self._topic_arn = topic_arn

    def send(self, notification: Notification) -> None:
        """Publish subject and body; DeliveryError when SNS refuses."""
        message = email.render(notification)
        try:
            self._sns.publish(TopicArn=self._topic_arn, Subject=message.subject, Message=message.body)
        except Exception as error:  # botocore's errors: a refusal here must not hide the webhook's result
            raise DeliveryError(f"email delivery failed: {type(error).__name__}: {error}") from error
