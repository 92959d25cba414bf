"""Where the platform's metrics live: the physical names that become metric dimensions.

Dashboards and alarms are built from the stack model plus a ``Target``, which maps each model
resource to the dimension values CloudWatch records it under. Three targets exist:

- ``template_target``: inside the CloudFormation template, where names AWS chooses (the
  WebSocket API id, the bucket, the user pool) are ``${LogicalId}`` references that the
  template resolves with ``Fn::Sub``;
- ``twin_target``: the local twin, from the info file ``ops local up --info-file`` writes;
- ``deployed_target`` (``alarms.resolve``): a deployed stack, from its CloudFormation resources.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from infra.model import Function, Stack
from infra.template import names


class TargetError(ValueError):
    """A target cannot be built (a resource is missing from the deployment)."""


@dataclass(frozen=True)
class Target:
    """Physical names of one deployment of the stack, as CloudWatch dimensions hold them.

    ``placeholders`` is True when values contain CloudFormation ``${...}`` references (the
    template target); such text must go through ``Fn::Sub``.
    """

    prefix: str
    stage: str
    region: str
    account_id: str
    function_names: Mapping[str, str]
    rest_api_name: str
    rest_stage: str
    websocket_api_id: str
    websocket_stage: str
    table_name: str
    bucket_name: str
    user_pool_id: str
    user_pool_client_id: str
    alarm_topic_arn: str
    alarm_topic_name: str
    partition: str = "aws"
    # The notifier's email topic (people subscribe to it directly); empty: the notifier's
    # default name, ``<alarm topic>-email`` (backend/notifications/config.py).
    alarm_email_topic_arn: str = ""
    placeholders: bool = False
    # Functions whose names were not resolved (a partial deployment); they keep model names.
    unresolved: tuple[str, ...] = field(default=())

    @property
    def email_topic_arn(self) -> str:
        """The ARN of the email topic that alarms about the alarm path notify."""
        return self.alarm_email_topic_arn or f"{self.alarm_topic_arn}-email"

    def function_name(self, function: Function) -> str:
        """The ``FunctionName`` dimension of ``function``."""
        try:
            return self.function_names[function.name]
        except KeyError:
            raise TargetError(f"the target has no function {function.name!r}") from None

    def log_group(self, function: Function) -> str:
        """The log group Lambda writes ``function``'s logs to."""
        return f"/aws/lambda/{self.function_name(function)}"

    def alarm_arn(self, alarm_name: str) -> str:
        """The ARN of the alarm called ``alarm_name`` in this account and region."""
        return f"arn:{self.partition}:cloudwatch:{self.region}:{self.account_id}:alarm:{alarm_name}"

    def dashboard_name(self, suffix: str) -> str:
        """The name of one of the stack's dashboards (``chat-platform-dev-overview``)."""
        return f"{self.prefix}-{suffix}"

    def alarm_name(self, slug: str) -> str:
        """The name of one of the stack's alarms (``chat-platform-dev-chat-lambda-errors-critical``)."""
        return f"{self.prefix}-{slug}"


def rest_api_name(stack: Stack, stage: str) -> str:
    """The REST API's name (its ``ApiName`` dimension) as the template sets it.

    ``infra.template.names`` has no function for it yet; a unit test holds this to the
    template's ``RestApi`` ``Name`` so the two cannot drift apart.
    """
    return f"{names.stack_name(stack, stage)}-rest"


def template_target(stack: Stack, stage: str) -> Target:
    """The target as seen from inside the CloudFormation template of ``stage``."""
    stack.stage(stage)  # KeyError naming the known stages
    topic = names.ALARM_TOPIC
    return Target(
        prefix=names.stack_name(stack, stage),
        stage=stage,
        region="${AWS::Region}",
        account_id="${AWS::AccountId}",
        partition="${AWS::Partition}",
        function_names={f.name: names.function_name(stack, stage, f) for f in stack.functions},
        rest_api_name=rest_api_name(stack, stage),
        rest_stage=stack.rest_api.stage,
        websocket_api_id="${" + stack.websocket_api.logical_name + "}",
        websocket_stage=stack.websocket_api.stage,
        table_name=names.table_name(stack, stage),
        bucket_name="${" + stack.bucket.logical_name + "}",
        user_pool_id="${" + stack.user_pool.logical_name + "}",
        user_pool_client_id="${" + names.user_pool_client_id(stack) + "}",
        alarm_topic_arn="${" + topic + "}",
        alarm_topic_name="${" + topic + ".TopicName}",
        alarm_email_topic_arn="${" + names.ALARM_EMAIL_TOPIC + "}",
        placeholders=True,
    )


def _required(info: Mapping[str, object], key: str) -> str:
    value = info.get(key)
    if not isinstance(value, str) or not value:
        raise TargetError(f"the twin's info file has no {key!r} (write it with `ops local up --info-file`)")
    return value


def twin_target(
    stack: Stack,
    info: Mapping[str, object],
    *,
    stage: str = "dev",
    region: str = "us-east-1",
    account_id: str = "123456789012",
) -> Target:
    """The local twin's target, from the JSON its ``--info-file`` holds (``TwinInfo``)."""
    functions = info.get("functions")
    if not isinstance(functions, Mapping):
        raise TargetError("the twin's info file has no 'functions' (write it with `ops local up --info-file`)")
    resolved = {str(k): str(v) for k, v in functions.items()}
    missing = tuple(f.name for f in stack.functions if f.name not in resolved)
    for name in missing:
        # A function the running twin does not know (added to the model since it started).
        resolved[name] = f"{stack.name}-{name}"
    topic_arn = _required(info, "alarm_topic_arn")
    return Target(
        prefix=names.stack_name(stack, stage),
        stage=stage,
        region=region,
        account_id=account_id,
        function_names=resolved,
        rest_api_name=_required(info, "rest_api_name"),
        rest_stage=str(info.get("stage") or stack.rest_api.stage),
        websocket_api_id=_required(info, "websocket_api_id"),
        websocket_stage=stack.websocket_api.stage,
        table_name=_required(info, "table_name"),
        bucket_name=_required(info, "bucket_name"),
        user_pool_id=_required(info, "user_pool_id"),
        user_pool_client_id=_required(info, "user_pool_client_id"),
        alarm_topic_arn=topic_arn,
        alarm_topic_name=topic_arn.rsplit(":", 1)[-1],
        alarm_email_topic_arn=str(info.get("alarm_email_topic_arn") or ""),
        unresolved=missing,
    )
