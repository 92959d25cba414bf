"""The twin's CloudWatch alarms: deployed into the embedded AWS, evaluated every minute.

moto stores alarms but never evaluates them and publishes nothing. The twin does what
CloudWatch does, through the same parts:

1. ``deploy``: the stage's alarms and composite (``alarms.build``, the template's generator)
   are put into the embedded AWS with ``PutMetricAlarm``/``PutCompositeAlarm``;
2. every minute of the twin's clock, :class:`alarms.evaluator.AlarmEngine` evaluates them over
   the metrics the twin recorded (``ops.local.recorded``, exact percentiles);
3. each state change is written with ``SetAlarmState`` (so ``DescribeAlarms`` and
   ``DescribeAlarmHistory`` show it) and, when the alarm has an action for the new state, the
   CloudWatch message is published to the SNS topic and delivered to the topic's Lambda
   subscriber, the notifier, as SNS would (asynchronous invoke, two retries on error);
4. a composite with an actions suppressor (Warnings, suppressed by ServiceHealth) acts as
   ``alarms.suppression`` decides; alarms about the alarm path publish to the email topic,
   whose subscriber (the outbox) gets CloudWatch's own message, not the notifier's;
5. when the notifier fails every attempt, the invocation record goes to its on-failure
   destination, the email topic (the template's ``EventInvokeConfig``).
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from infra.model import Stack

from alarms.build import build_alarms
from alarms.evaluator import AlarmEngine, ScaledClock, StateChange, reason_json
from alarms.render import composite_alarm_args, metric_alarm_args
from alarms.spec import AlarmSet
from alarms.state_change import alarm_message, sns_event
from alarms.suppression import ActionsSuppression
from kit.target import Target
from ops.local import names
from ops.local.recorded import RecordedMetrics
from ops.local.runtime import Invocation

log = logging.getLogger("ops.local")

# Evaluate a few seconds (of the twin's clock) after each minute, so in-flight values land.
GRACE_S = 3.0
ASYNC_RETRIES = 2


@dataclass(frozen=True)
class Delivery:
    """One delivery of an alarm message to the notifier."""

    alarm: str
    state: str
    attempts: int
    ok: bool


class TwinAlarms:
    """Deploys and evaluates the stage's alarms; ``invoke(function, event)`` runs a function."""

    def __init__(
        self,
        stack: Stack,
        target: Target,
        stage: str,
        client: Callable[[str], Any],
        recorded: RecordedMetrics,
        clock: ScaledClock,
        invoke: Callable[[str, dict[str, Any]], Invocation],
        subscribers: list[str],
    ) -> None:
        self.stack = stack
        self.target = target
        self.alarm_set: AlarmSet = build_alarms(stack, stage, target=target)
        self.clock = clock
        self._client = client
        self._invoke = invoke
        self._subscribers = subscribers
        self.engine = AlarmEngine(
            self.alarm_set.alarms, self.alarm_set.composites, recorded, on_error=self._expression_failed
        )
        self.suppression = ActionsSuppression(self.alarm_set.composites)
        self.deliveries: list[Delivery] = []
        # SNS delivers asynchronously: the next evaluation does not wait for the notifier.
        self._outgoing: queue.Queue[tuple[str, dict[str, Any], StateChange] | None] = queue.Queue()
        self._sender: threading.Thread | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.last_tick: float | None = None

    def _expression_failed(self, name: str, error: Exception) -> None:
        log.warning("alarm %s cannot be evaluated: %s", name, error)

    def deploy(self) -> int:
        """Put every alarm into the embedded AWS; how many."""
        cloudwatch = self._client("cloudwatch")
        for spec in self.alarm_set.alarms:
            cloudwatch.put_metric_alarm(
                **metric_alarm_args(spec, self.alarm_set.topic_arn, self.alarm_set.email_topic_arn)
            )
        for composite in self.alarm_set.composites:
            cloudwatch.put_composite_alarm(**composite_alarm_args(composite, self.alarm_set.topic_arn))
        return len(self.alarm_set)

    # -- the clock ---------------------------------------------------------------------

    def start(self) -> None:
        """Evaluate every minute of the twin's clock, in a background thread."""
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="alarms", daemon=True)
        self._thread.start()
        self._sender = threading.Thread(target=self._send_loop, name="alarm-deliveries", daemon=True)
        self._sender.start()

    def _send_loop(self) -> None:
        while True:
            item = self._outgoing.get()
            if item is None:
                return
            self._deliver(*item)

    def _run(self) -> None:
        now = self.clock.now()
        next_tick = now - now % 60 + 60
        while not self._stop.is_set():
            wait = self.clock.real_seconds(next_tick + GRACE_S - self.clock.now())
            if wait > 0 and self._stop.wait(min(wait, 1.0)):
                return
            if self.clock.now() < next_tick + GRACE_S:
                continue
            try:
                self.tick(next_tick)
            except Exception as error:  # a broken tick must not stop the next one
                log.warning("alarm evaluation failed: %s", error)
            next_tick += 60
            # A stalled machine skips minutes rather than replaying a backlog.
            while next_tick + GRACE_S < self.clock.now() - 60:
                next_tick += 60

    def stop(self) -> None:
        """Stop evaluating."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None
        if self._sender is not None:
            self._outgoing.put(None)
            self._sender.join(timeout=60)
            self._sender = None

    # -- one evaluation ----------------------------------------------------------------

    def tick(self, now: float) -> list[StateChange]:
        """Evaluate every alarm at ``now`` (twin clock) and act on each change."""
        with self._lock:
            changes = self.engine.evaluate(now)
            self.last_tick = now
            for change in changes:
                self._client("cloudwatch").set_alarm_state(
                    AlarmName=change.alarm,
                    StateValue=change.new,
                    StateReason=change.reason[:1023],
                    StateReasonData=reason_json(change),
                )
            for change in self.suppression.actionable(now, changes, self.engine.snapshot()):
                self._publish(change)
        return changes

    def _publish(self, change: StateChange) -> None:
        cloudwatch = self._client("cloudwatch")
        response = cloudwatch.describe_alarms(AlarmNames=[change.alarm])
        found = response.get("MetricAlarms", []) + response.get("CompositeAlarms", [])
        if not found:
            return
        alarm = dict(found[0])
        actions = {
            "ALARM": alarm.get("AlarmActions"),
            "OK": alarm.get("OKActions"),
            "INSUFFICIENT_DATA": alarm.get("InsufficientDataActions"),
        }.get(change.new) or []
        if not alarm.get("ActionsEnabled", True):
            return
        message = alarm_message(alarm, change.old, region=names.REGION, account_id=names.ACCOUNT_ID)
        if change.composite:
            message["TriggeringChildren"] = [
                {"Arn": self.target.alarm_arn(c), "State": {"Value": "ALARM"}} for c in change.triggering_children
            ]
        for topic_arn in actions:
            if not str(topic_arn).startswith("arn:aws:sns:"):
                continue
            self._client("sns").publish(
                TopicArn=topic_arn,
                Subject=f'{change.new}: "{change.alarm}" in {message.get("Region", "")}'[:100],
                Message=json.dumps(message, separators=(",", ":")),
            )
            if topic_arn == self.alarm_set.topic_arn:
                event = sns_event(message, topic_arn)
                for function in self._subscribers:
                    if self._sender is not None:
                        self._outgoing.put((function, event, change))
                    else:  # not started (tests calling tick directly): deliver at once
                        self._deliver(function, event, change)

    def _deliver(self, function: str, event: dict[str, Any], change: StateChange) -> None:
        attempts = 0
        ok = False
        error: Any = None
        while attempts <= ASYNC_RETRIES and not ok:
            attempts += 1
            try:
                invocation = self._invoke(function, event)
            except Exception as failure:  # throttled or the twin stopping: as a failed attempt
                log.warning("could not invoke %s: %s", function, failure)
                error = {"errorType": type(failure).__name__, "errorMessage": str(failure)}
                continue
            ok = invocation.outcome == "ok"
            error = invocation.error
        self.deliveries.append(Delivery(change.alarm, change.new, attempts, ok))
        if not ok and self.alarm_set.email_topic_arn:
            self._on_failure(function, event, attempts, error)

    def _on_failure(self, function: str, event: dict[str, Any], attempts: int, error: Any) -> None:
        """Lambda's on-failure destination: the invocation record, as raw JSON, to the email
        topic, so people hear of the alarm the notifier could not deliver."""
        record = {
            "version": "1.0",
            "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
            "requestContext": {
                "requestId": str(uuid.uuid4()),
                "functionArn": names.function_arn(self.stack, self.stack.function(function)) + ":live",
                "condition": "RetriesExhausted",
                "approximateInvokeCount": attempts,
            },
            "requestPayload": event,
            "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
            "responsePayload": error or {"errorMessage": "the invocation failed"},
        }
        try:
            self._client("sns").publish(
                TopicArn=str(self.alarm_set.email_topic_arn), Message=json.dumps(record, separators=(",", ":"))
            )
        except Exception as failure:  # the twin's SNS is down: nothing more to try
            log.warning("on-failure destination of %s: %s", function, failure)


def subscribers(stack: Stack) -> list[str]:
    """The functions the alarm topic delivers to (the notifier), by model name."""
    return [f.name for f in stack.functions if f.handler.endswith("notifier.handler")]


def wait_until(predicate: Callable[[], bool], timeout_s: float, step_s: float = 0.2) -> bool:
    """Poll ``predicate`` until true or ``timeout_s`` passed (wall clock); whether it held."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step_s)
    return predicate()
