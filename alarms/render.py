"""Alarms as CloudWatch API arguments, as CloudFormation resources and as review files.

The same dict serves ``PutMetricAlarm`` and ``AWS::CloudWatch::Alarm`` (their field names
match); in the template, strings holding ``${...}`` references go through ``Fn::Sub``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from infra.template import names

from alarms.spec import AlarmSet, AlarmSpec, CompositeSpec, Query
from kit.metrics import MetricStat

ALARMS_FILE = "alarms.json"


def _dimensions(metric: MetricStat) -> list[dict[str, str]]:
    return [{"Name": key, "Value": value} for key, value in metric.dimensions]


def _query(query: Query) -> dict[str, Any]:
    out: dict[str, Any] = {"Id": query.id}
    if query.metric is not None:
        metric = query.metric
        out["MetricStat"] = {
            "Metric": {"Namespace": metric.namespace, "MetricName": metric.name, "Dimensions": _dimensions(metric)},
            "Period": metric.period,
            "Stat": metric.stat,
        }
    else:
        out["Expression"] = query.expression
    if query.label:
        out["Label"] = query.label
    out["ReturnData"] = query.return_data
    return out


def alarm_actions(spec: AlarmSpec, topic_arn: str, email_topic_arn: str | None = None) -> list[str]:
    """Where ``spec`` notifies on ALARM and on OK (``AlarmSpec.route``): nowhere for a child of
    ServiceHealth or Warnings (the composite speaks for it), the email topic for the alarm path's own
    alarms (when there is one), the alarm topic otherwise."""
    if spec.route in ("composite", "warnings"):
        return []
    if spec.route == "alarm_path" and email_topic_arn:
        return [email_topic_arn]
    return [topic_arn]


def metric_alarm_args(spec: AlarmSpec, topic_arn: str, email_topic_arn: str | None = None) -> dict[str, Any]:
    """``PutMetricAlarm`` arguments of ``spec``, notifying on ALARM and on OK where its route
    says (``alarm_actions``)."""
    actions = alarm_actions(spec, topic_arn, email_topic_arn)
    args: dict[str, Any] = {
        "AlarmName": spec.name,
        "AlarmDescription": spec.description(),
        "ActionsEnabled": True,
        "AlarmActions": actions,
        "OKActions": list(actions),
    }
    if spec.metric is not None:
        metric = spec.metric
        args.update({"Namespace": metric.namespace, "MetricName": metric.name, "Dimensions": _dimensions(metric)})
        if metric.is_percentile:
            args["ExtendedStatistic"] = metric.stat
        else:
            args["Statistic"] = metric.stat
        args["Period"] = metric.period
    else:
        args["Metrics"] = [_query(q) for q in spec.queries]
    args.update(
        {
            "EvaluationPeriods": spec.evaluation_periods,
            "DatapointsToAlarm": spec.datapoints_to_alarm,
            "Threshold": float(spec.threshold),
            "ComparisonOperator": spec.comparison,
            "TreatMissingData": spec.treat_missing_data,
        }
    )
    if spec.metric is not None and spec.metric.is_percentile:
        # Evaluate even thin periods: "ignore" would freeze the state through a quiet night, and
        # the M-of-N window already absorbs a single noisy p90 (backtest models the same rule).
        args["EvaluateLowSampleCountPercentile"] = "evaluate"
    return args


def composite_alarm_args(spec: CompositeSpec, topic_arn: str) -> dict[str, Any]:
    """``PutCompositeAlarm`` arguments of ``spec`` (a part of a bigger tree notifies nobody;
    its top does), with its actions suppressor when it has one."""
    actions = [topic_arn] if spec.notifies else []
    args: dict[str, Any] = {
        "AlarmName": spec.name,
        "AlarmDescription": spec.description(),
        "ActionsEnabled": True,
        "AlarmActions": actions,
        "OKActions": list(actions),
        "AlarmRule": spec.rule,
    }
    if spec.suppressor:
        args.update(
            {
                "ActionsSuppressor": spec.suppressor,
                "ActionsSuppressorWaitPeriod": spec.suppressor_wait_s,
                "ActionsSuppressorExtensionPeriod": spec.suppressor_extension_s,
            }
        )
    return args


def sub_placeholders(value: Any) -> Any:
    """``value`` with every string holding a ``${...}`` reference wrapped in ``Fn::Sub``."""
    if isinstance(value, str):
        return {"Fn::Sub": value} if "${" in value else value
    if isinstance(value, list):
        return [sub_placeholders(v) for v in value]
    if isinstance(value, dict):
        return {k: sub_placeholders(v) for k, v in value.items()}
    return value


def logical_id(slug: str) -> str:
    """The template's logical id of an alarm (``AlarmChatLambdaErrorRateCritical``)."""
    return f"Alarm{names.camel(slug)}"


def cloudformation_resources(alarm_set: AlarmSet) -> dict[str, Any]:
    """``AWS::CloudWatch::Alarm`` and ``AWS::CloudWatch::CompositeAlarm`` resources."""
    out: dict[str, Any] = {}
    by_name: dict[str, str] = {}
    for spec in alarm_set.alarms:
        by_name[spec.name] = logical_id(spec.slug)
        out[by_name[spec.name]] = {
            "Type": "AWS::CloudWatch::Alarm",
            "Properties": sub_placeholders(metric_alarm_args(spec, alarm_set.topic_arn, alarm_set.email_topic_arn)),
        }
    for composite in alarm_set.composites:
        by_name[composite.name] = logical_id(composite.slug)
        out[by_name[composite.name]] = {
            "Type": "AWS::CloudWatch::CompositeAlarm",
            # The rule names its children, which must exist first (and so must its suppressor).
            "DependsOn": sorted(
                {by_name[child] for child in composite.children}
                | ({by_name[composite.suppressor]} if composite.suppressor else set())
            ),
            "Properties": sub_placeholders(composite_alarm_args(composite, alarm_set.topic_arn)),
        }
    return out


def document(alarm_set: AlarmSet) -> dict[str, Any]:
    """Every alarm as API arguments, sorted by name: the reviewable form."""
    return {
        "topic": alarm_set.topic_arn,
        "metric_alarms": [
            metric_alarm_args(s, alarm_set.topic_arn, alarm_set.email_topic_arn)
            for s in sorted(alarm_set.alarms, key=lambda a: a.name)
        ],
        "composite_alarms": [
            composite_alarm_args(s, alarm_set.topic_arn) for s in sorted(alarm_set.composites, key=lambda a: a.name)
        ],
    }


def to_json(value: Any) -> str:
    """Deterministic JSON text (sorted keys, two-space indent, final newline)."""
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_files(alarm_set: AlarmSet, out_dir: Path) -> list[Path]:
    """Write ``alarms.json`` into ``out_dir``; returns the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / ALARMS_FILE
    path.write_text(to_json(document(alarm_set)))
    return [path]
