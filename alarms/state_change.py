"""The SNS event CloudWatch would send for an alarm state change, rebuilt from the alarm as
``DescribeAlarms`` returns it.

CloudWatch emulators publish nothing when an alarm changes state, so ``ops alarms test``
forces the change (``SetAlarmState``), reads the alarm back and feeds this event to the
notifier's own code to show the notification end to end.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

# CloudWatch names regions by their long name in the message.
REGION_NAMES = {
    "us-east-1": "US East (N. Virginia)",
    "us-east-2": "US East (Ohio)",
    "us-west-1": "US West (N. California)",
    "us-west-2": "US West (Oregon)",
    "eu-west-1": "EU (Ireland)",
    "eu-west-2": "EU (London)",
    "eu-west-3": "EU (Paris)",
    "eu-central-1": "EU (Frankfurt)",
    "eu-north-1": "EU (Stockholm)",
    "ap-southeast-1": "Asia Pacific (Singapore)",
    "ap-southeast-2": "Asia Pacific (Sydney)",
    "ap-northeast-1": "Asia Pacific (Tokyo)",
    "ap-south-1": "Asia Pacific (Mumbai)",
    "sa-east-1": "South America (Sao Paulo)",
    "ca-central-1": "Canada (Central)",
}


def _time(value: Any) -> str:
    moment = value if isinstance(value, dt.datetime) else dt.datetime.now(dt.UTC)
    moment = moment.astimezone(dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


def _dimensions(raw: Any) -> list[dict[str, str]]:
    return [{"value": str(d.get("Value")), "name": str(d.get("Name"))} for d in raw or []]


def _trigger(alarm: dict[str, Any]) -> dict[str, Any]:
    trigger: dict[str, Any] = {}
    if alarm.get("Metrics"):
        metrics = []
        for query in alarm["Metrics"]:
            item: dict[str, Any] = {"Id": query["Id"], "ReturnData": bool(query.get("ReturnData", True))}
            for key in ("Expression", "Label"):
                if query.get(key):
                    item[key] = query[key]
            if query.get("MetricStat"):
                stat = query["MetricStat"]
                item["MetricStat"] = {
                    "Metric": {
                        "Dimensions": _dimensions(stat["Metric"].get("Dimensions")),
                        "MetricName": stat["Metric"]["MetricName"],
                        "Namespace": stat["Metric"]["Namespace"],
                    },
                    "Period": stat["Period"],
                    "Stat": stat["Stat"],
                }
            metrics.append(item)
        trigger["Metrics"] = metrics
        trigger["Period"] = next((m["MetricStat"]["Period"] for m in alarm["Metrics"] if m.get("MetricStat")), 60)
    else:
        trigger.update({"MetricName": alarm.get("MetricName"), "Namespace": alarm.get("Namespace")})
        if alarm.get("ExtendedStatistic"):
            trigger.update({"StatisticType": "ExtendedStatistic", "ExtendedStatistic": alarm["ExtendedStatistic"]})
        else:
            trigger.update({"StatisticType": "Statistic", "Statistic": str(alarm.get("Statistic", "")).upper()})
        trigger.update(
            {
                "Unit": alarm.get("Unit"),
                "Dimensions": _dimensions(alarm.get("Dimensions")),
                "Period": alarm.get("Period"),
            }
        )
    trigger.update(
        {
            "EvaluationPeriods": alarm.get("EvaluationPeriods"),
            "DatapointsToAlarm": alarm.get("DatapointsToAlarm", alarm.get("EvaluationPeriods")),
            "ComparisonOperator": alarm.get("ComparisonOperator"),
            "Threshold": alarm.get("Threshold"),
            "TreatMissingData": alarm.get("TreatMissingData", "missing"),
            "EvaluateLowSampleCountPercentile": alarm.get("EvaluateLowSampleCountPercentile", ""),
        }
    )
    return trigger


def alarm_message(alarm: dict[str, Any], old_state: str, *, region: str, account_id: str) -> dict[str, Any]:
    """CloudWatch's notification message for ``alarm`` (a ``DescribeAlarms`` entry, metric or
    composite) having just entered its current state from ``old_state``."""
    arn = alarm.get("AlarmArn") or f"arn:aws:cloudwatch:{region}:{account_id}:alarm:{alarm['AlarmName']}"
    message: dict[str, Any] = {
        "AlarmName": alarm["AlarmName"],
        "AlarmDescription": alarm.get("AlarmDescription", ""),
        "AWSAccountId": account_id,
        "AlarmConfigurationUpdatedTimestamp": _time(alarm.get("AlarmConfigurationUpdatedTimestamp")),
        "NewStateValue": alarm.get("StateValue", "ALARM"),
        "NewStateReason": alarm.get("StateReason", ""),
        "StateChangeTime": _time(alarm.get("StateUpdatedTimestamp")),
        "Region": REGION_NAMES.get(region, region),
        "AlarmArn": arn,
        "OldStateValue": old_state,
        "OKActions": list(alarm.get("OKActions", [])),
        "AlarmActions": list(alarm.get("AlarmActions", [])),
        "InsufficientDataActions": list(alarm.get("InsufficientDataActions", [])),
    }
    if "AlarmRule" in alarm:
        message["AlarmRule"] = alarm["AlarmRule"]
        message["TriggeringChildren"] = []
    else:
        message["Trigger"] = _trigger(alarm)
    return message


def sns_event(message: dict[str, Any], topic_arn: str) -> dict[str, Any]:
    """The Lambda event SNS delivers to a subscribed function for ``message``."""
    state, name, region = message["NewStateValue"], message["AlarmName"], message.get("Region", "")
    return {
        "Records": [
            {
                "EventSource": "aws:sns",
                "EventVersion": "1.0",
                "EventSubscriptionArn": f"{topic_arn}:{uuid.uuid4()}",
                "Sns": {
                    "Type": "Notification",
                    "MessageId": str(uuid.uuid4()),
                    "TopicArn": topic_arn,
                    "Subject": f'{state}: "{name}" in {region}'[:100],
                    "Message": json.dumps(message, separators=(",", ":")),
                    "Timestamp": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
                    "SignatureVersion": "1",
                    "Signature": "",
                    "SigningCertUrl": "",
                    "UnsubscribeUrl": "",
                    "MessageAttributes": {},
                },
            }
        ]
    }
