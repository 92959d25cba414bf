"""The notifier's configuration and where it delivers for a given alarm topic.

Read once from the environment; the defaults are what the template creates (the alarms
package's contributor), so a deployed notifier needs no variable at all:

- ``NOTIFIER_WEBHOOK_URL``: a webhook URL given directly (the local twin, tests);
- ``NOTIFIER_WEBHOOK_PARAMETER``: otherwise, the SSM parameter (SecureString) holding it,
  default ``/{topic}/webhook-url``; an operator stores the URL there (a missing parameter
  switches the webhook off);
- ``NOTIFIER_EMAIL_TOPIC``: the SNS topic (name or ARN) whose email subscribers get the text,
  default ``{topic}-email``; empty switches email off.

``{topic}`` is the name of the alarm topic the notification came through, so one function
definition serves every stage (``/{topic}/webhook-url`` becomes
``/chat-platform-prod-alarms/webhook-url``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field

DEFAULT_WEBHOOK_PARAMETER = "/{topic}/webhook-url"
DEFAULT_EMAIL_TOPIC = "{topic}-email"


class NotifierSettings(BaseModel):
    """Every setting of the notifier; the environment variable is the field's alias."""

    model_config = ConfigDict(populate_by_name=True, frozen=True)

    region: str = Field("us-east-1", alias="AWS_REGION")
    webhook_url: str = Field("", alias="NOTIFIER_WEBHOOK_URL", repr=False)
    webhook_parameter: str = Field(DEFAULT_WEBHOOK_PARAMETER, alias="NOTIFIER_WEBHOOK_PARAMETER")
    email_topic: str = Field(DEFAULT_EMAIL_TOPIC, alias="NOTIFIER_EMAIL_TOPIC")
    webhook_timeout_s: float = Field(5.0, alias="NOTIFIER_WEBHOOK_TIMEOUT_SECONDS", gt=0, le=25)


@dataclass(frozen=True)
class Destinations:
    """Where notifications from one alarm topic go (None: that channel is off)."""

    webhook_parameter: str | None
    webhook_url: str | None
    email_topic_arn: str | None


def _fill(pattern: str, topic_name: str) -> str:
    return pattern.replace("{topic}", topic_name)


def destinations(settings: NotifierSettings, topic_arn: str) -> Destinations:
    """The destinations of notifications that came through ``topic_arn``."""
    prefix, _, topic_name = topic_arn.rpartition(":")
    email_topic: str | None = None
    if settings.email_topic:
        filled = _fill(settings.email_topic, topic_name)
        email_topic = filled if filled.startswith("arn:") else f"{prefix}:{filled}"
    parameter = None
    if not settings.webhook_url and settings.webhook_parameter:
        parameter = _fill(settings.webhook_parameter, topic_name)
    return Destinations(
        webhook_parameter=parameter,
        webhook_url=settings.webhook_url or None,
        email_topic_arn=email_topic,
    )


@lru_cache(maxsize=1)
def get_notifier_settings() -> NotifierSettings:
    """The settings of this process (read from the environment on first use)."""
    known = {field.alias for field in NotifierSettings.model_fields.values() if field.alias}
    return NotifierSettings.model_validate({k: v for k, v in os.environ.items() if k in known})
