"""`ops alarms`: the stack's alarms from the stack model: render, deploy, diff, list, test, backtest.

Where: ``--info-file`` targets the local twin; otherwise the deployed CloudFormation stack of
``--stage`` (``--region``, ``--endpoint-url``, ``--profile``). ``render`` and ``list`` need no
AWS at all.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer

from ops.commands.monitoring import (
    ExitCodeOption,
    OutDirOption,
    ThresholdsOption,
    progress,
    report_drift,
    target_of,
    twin_target_of,
)
from ops.conventions import (
    BadInput,
    EndpointUrlOption,
    Failed,
    FormatOption,
    InfoFileOption,
    ProfileOption,
    RegionOption,
    StageOption,
    check_stage,
    emit,
    ops_app,
)

app = ops_app("Alarms generated from the stack model: render, deploy, diff, list, test, backtest.")


def _alarm_set(stage: str, target: Any = None, thresholds_file: Path | None = None) -> Any:
    from infra import STACK

    from alarms.build import build_alarms
    from alarms.config import load_thresholds

    return build_alarms(STACK, stage, target=target, thresholds=load_thresholds(stage, thresholds_file))


def _find(alarm_set: Any, name: str) -> Any:
    try:
        return alarm_set.find(name)
    except KeyError as error:
        raise BadInput(str(error.args[0]) if error.args else f"no alarm {name!r}") from None


@app.command("render")
def render(
    out_dir: OutDirOption,
    stage: StageOption = "dev",
    info_file: InfoFileOption = None,
    thresholds: ThresholdsOption = None,
    fmt: FormatOption = "table",
) -> None:
    """Write every alarm of STAGE as API arguments to OUT/alarms.json (the template's view of the names, or the
    twin's with --info-file). Same model, same bytes."""
    from alarms.render import write_files

    alarm_set = _alarm_set(stage, twin_target_of(stage, info_file), thresholds)
    paths = write_files(alarm_set, out_dir)
    summary = {
        "files": [str(p) for p in paths],
        "metric_alarms": len(alarm_set.alarms),
        "composite_alarms": len(alarm_set.composites),
    }
    emit(
        summary,
        fmt,
        human=f"wrote {paths[0]} ({len(alarm_set.alarms)} metric alarms, {len(alarm_set.composites)} composite)",
    )


def _level(severity: str) -> str:
    return "[red]critical[/]" if severity == "critical" else "[yellow]warning[/]"


@app.command("list")
def list_alarms(
    stage: StageOption = "dev",
    thresholds: ThresholdsOption = None,
    fmt: FormatOption = "table",
) -> None:
    """List the alarms of STAGE: level, resource, condition, missing-data rule, monthly cost."""
    from infra import STACK
    from rich.table import Table

    from alarms.spec import AlarmSpec

    check_stage(stage)
    alarm_set = _alarm_set(stage, None, thresholds)
    rows = [
        {
            "name": s.name,
            "severity": "critical" if not isinstance(s, AlarmSpec) else s.severity,
            "summary": s.summary,
            "monthly_cost_usd": round(s.monthly_cost_usd, 2),
            **(
                {"threshold": s.threshold, "treat_missing_data": s.treat_missing_data, "check": s.check}
                if isinstance(s, AlarmSpec)
                else {"rule_children": len(s.children)}
            ),
        }
        for s in alarm_set
    ]

    def human() -> list[Any]:
        table = Table(title=f"alarms of {STACK.name} ({stage})")
        for column in ("name", "level", "resource", "condition", "missing data", "USD/mo"):
            table.add_column(column, overflow="fold")
        for spec in alarm_set.alarms:
            table.add_row(
                spec.slug,
                _level(spec.severity),
                spec.resource,
                spec.condition,
                spec.treat_missing_data,
                f"{spec.monthly_cost_usd:.2f}",
            )
        for composite in alarm_set.composites:
            table.add_row(
                composite.slug,
                _level("critical"),
                composite.resource,
                f"composite of {len(composite.children)}",
                "-",
                f"{composite.monthly_cost_usd:.2f}",
            )
        total = f"{len(alarm_set)} alarms, about {alarm_set.monthly_cost_usd:.2f} USD a month in CloudWatch"
        return [table, total]

    emit(rows, fmt, human=human)


def _not_implemented(error: Exception) -> bool:
    from botocore.exceptions import ClientError

    if not isinstance(error, ClientError):
        return False
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    code = error.response.get("Error", {}).get("Code", "")
    return status == 500 or code in ("InternalFailure", "NotImplemented", "InternalServerError")


@app.command("deploy")
def deploy(
    stage: StageOption = "dev",
    info_file: InfoFileOption = None,
    region: RegionOption = None,
    endpoint_url: EndpointUrlOption = None,
    profile: ProfileOption = None,
    prune: Annotated[
        bool, typer.Option("--prune", help="Also delete alarms under the stack's prefix the model no longer has.")
    ] = False,
    thresholds: ThresholdsOption = None,
    fmt: FormatOption = "table",
) -> None:
    """Create or update every alarm of STAGE with the CloudWatch API (the template deploys them too; this is for
    the local twin and quick iterations)."""
    from alarms.drift import describe_all
    from alarms.render import composite_alarm_args, metric_alarm_args

    aws, target = target_of(stage, info_file, region, endpoint_url, profile)
    alarm_set = _alarm_set(stage, target, thresholds)
    cloudwatch = aws.client("cloudwatch")
    skipped: list[str] = []
    with progress() as bar:
        task = bar.add_task("putting alarms", total=len(alarm_set))
        for spec in alarm_set.alarms:
            cloudwatch.put_metric_alarm(**metric_alarm_args(spec, alarm_set.topic_arn, alarm_set.email_topic_arn))
            bar.advance(task)
        for composite in alarm_set.composites:
            try:
                cloudwatch.put_composite_alarm(**composite_alarm_args(composite, alarm_set.topic_arn))
            except Exception as error:
                if not _not_implemented(error):
                    raise
                skipped.append(composite.name)
            bar.advance(task)
    deleted: list[str] = []
    if prune:
        names = {s.name for s in alarm_set}
        have = [a["AlarmName"] for a in describe_all(cloudwatch, f"{target.prefix}-", composite=False)]
        deleted = sorted(n for n in have if n not in names)
        for start in range(0, len(deleted), 100):
            cloudwatch.delete_alarms(AlarmNames=deleted[start : start + 100])
    result = {"put": len(alarm_set) - len(skipped), "composite_skipped": skipped, "deleted": deleted}
    lines = [f"[green]put[/] {result['put']} alarms into {target.prefix} ({target.region})"]
    if skipped:
        lines.append(
            f"[yellow]skipped[/] {len(skipped)} composite alarm(s): this endpoint does not implement "
            "PutCompositeAlarm (moto); they are part of the CloudFormation template"
        )
    if deleted:
        lines.append(f"[red]deleted[/] {len(deleted)} alarm(s) the model no longer has")
    emit(result, fmt, human=lines)


@app.command("diff")
def diff(
    stage: StageOption = "dev",
    info_file: InfoFileOption = None,
    region: RegionOption = None,
    endpoint_url: EndpointUrlOption = None,
    profile: ProfileOption = None,
    thresholds: ThresholdsOption = None,
    exit_code: ExitCodeOption = False,
    fmt: FormatOption = "table",
) -> None:
    """Compare the alarms the model generates with the ones deployed (missing, changed, extra)."""
    from alarms.drift import compare, describe_all
    from alarms.render import composite_alarm_args, metric_alarm_args

    aws, target = target_of(stage, info_file, region, endpoint_url, profile)
    alarm_set = _alarm_set(stage, target, thresholds)
    cloudwatch = aws.client("cloudwatch")
    note = ""
    try:
        deployed = describe_all(cloudwatch, f"{target.prefix}-")
    except Exception as error:
        if not _not_implemented(error):
            raise
        deployed = describe_all(cloudwatch, f"{target.prefix}-", composite=False)
        note = "this endpoint cannot list composite alarms (moto): they were compared as missing"
    wanted = [metric_alarm_args(s, alarm_set.topic_arn, alarm_set.email_topic_arn) for s in alarm_set.alarms]
    wanted += [composite_alarm_args(c, alarm_set.topic_arn) for c in alarm_set.composites]
    report_drift("alarm", compare(wanted, deployed, f"{target.prefix}-"), fmt, exit_code, note)


def _notification_view(notification: Any, label: str) -> tuple[dict[str, Any], list[Any]]:
    """The notification people get, as data and as text (printed as is: links must stay whole)."""
    from backend.notifications import email, slack
    from rich.rule import Rule
    from rich.text import Text

    message = email.render(notification)
    data = {
        "state": notification.state,
        "webhook": slack.payload(notification),
        "email": {"subject": message.subject, "body": message.body},
    }
    text = [
        Rule(f"{label}: webhook message (Slack mrkdwn)"),
        Text(slack.plain_text(notification)),
        Rule(f"{label}: email"),
        Text(f"Subject: {message.subject}\n\n{message.body}"),
    ]
    return data, text


def _offline_alarm(spec: Any, topic_arn: str, state: str) -> dict[str, Any]:
    from alarms.render import composite_alarm_args, metric_alarm_args
    from alarms.spec import AlarmSpec

    args = metric_alarm_args(spec, topic_arn) if isinstance(spec, AlarmSpec) else composite_alarm_args(spec, topic_arn)
    return {**args, "StateValue": state, "StateReason": f"ops alarms test --offline: {state} rendered without AWS"}


@app.command("test")
def alarm_test(
    name: Annotated[
        str, typer.Argument(help="Alarm name, or its part after the stack prefix (see `ops alarms list`).")
    ],
    stage: StageOption = "dev",
    info_file: InfoFileOption = None,
    region: RegionOption = None,
    endpoint_url: EndpointUrlOption = None,
    profile: ProfileOption = None,
    offline: Annotated[
        bool, typer.Option("--offline", help="Render the notification from the model only (no AWS call).")
    ] = False,
    keep: Annotated[
        bool, typer.Option("--keep", help="Leave the alarm in ALARM (default: set it back to OK afterwards).")
    ] = False,
    webhook_url: Annotated[
        str | None,
        typer.Option("--webhook-url", help="Also deliver the webhook message there (https, or http on 127.0.0.1)."),
    ] = None,
    fmt: FormatOption = "table",
) -> None:
    """Force NAME into ALARM (SetAlarmState), read it back, and show the notification people get, rendered by the
    notifier's own code; then set it back to OK and show that one too.

    Emulators publish nothing on a state change, so the notification is rendered here; in AWS CloudWatch also
    publishes it to the alarm topic and the notifier delivers it.
    """
    from backend.notifications.channels import WebhookChannel
    from backend.notifications.service import notification_of

    from alarms.state_change import alarm_message, sns_event

    if offline:
        check_stage(stage)
        alarm_set = _alarm_set(stage)
        spec = _find(alarm_set, name)
        region_name, account, topic = "us-east-1", "123456789012", "arn:aws:sns:us-east-1:123456789012:alarms"
        changes = [("OK", _offline_alarm(spec, topic, "ALARM"))] + (
            [] if keep else [("ALARM", _offline_alarm(spec, topic, "OK"))]
        )
    else:
        aws, target = target_of(stage, info_file, region, endpoint_url, profile)
        alarm_set = _alarm_set(stage, target)
        spec = _find(alarm_set, name)
        cloudwatch = aws.client("cloudwatch")
        region_name, account, topic = target.region, target.account_id, target.alarm_topic_arn
        changes = []
        for state in ("ALARM",) if keep else ("ALARM", "OK"):
            before = _describe(cloudwatch, spec.name)
            cloudwatch.set_alarm_state(
                AlarmName=spec.name,
                StateValue=state,
                StateReason=f"ops alarms test forced {state} (no real datapoint)",
            )
            changes.append((str(before.get("StateValue", "INSUFFICIENT_DATA")), _describe(cloudwatch, spec.name)))
    collected: list[dict[str, Any]] = []
    shown: list[Any] = []
    channel = WebhookChannel(webhook_url) if webhook_url else None
    for old_state, alarm in changes:
        message = alarm_message(alarm, old_state, region=region_name, account_id=account)
        notification = notification_of(sns_event(message, topic)["Records"][0])
        data, text = _notification_view(notification, f"{alarm['AlarmName']} -> {notification.state}")
        collected.append(data)
        shown += text
        if channel is not None:
            channel.send(notification)
            shown.append(f"[green]delivered[/] the {notification.state} message to the webhook")
    emit({"alarm": spec.name, "notifications": collected}, fmt, human=shown)


def _describe(cloudwatch: Any, name: str) -> dict[str, Any]:
    response = cloudwatch.describe_alarms(AlarmNames=[name])
    found = response.get("MetricAlarms", []) + response.get("CompositeAlarms", [])
    if not found:
        raise Failed(
            f"alarm {name} is not deployed at this endpoint: run `ops alarms deploy` first"
            " (composite alarms cannot be deployed to moto: use --offline to render them)"
        )
    return dict(found[0])


def _duration(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    return f"{hours}h{rest // 60:02d}m" if hours else f"{rest // 60}m"


@app.command("backtest")
def backtest(
    days: Annotated[
        float, typer.Option("--days", min=0.01, max=455, help="How many days of recorded metrics to replay.")
    ] = 7,
    stage: StageOption = "dev",
    info_file: InfoFileOption = None,
    region: RegionOption = None,
    endpoint_url: EndpointUrlOption = None,
    profile: ProfileOption = None,
    only: Annotated[str | None, typer.Option("--alarm", help="Only alarms whose name contains this text.")] = None,
    thresholds: ThresholdsOption = None,
    fmt: FormatOption = "table",
) -> None:
    """Replay every alarm's rule over the metrics recorded in the last DAYS and report how often it would have
    fired (CloudWatch, and the twin's emulator, never replay alarms)."""
    from rich.table import Table

    from alarms.backtest import backtest as run
    from kit.source import CloudWatchSource

    aws, target = target_of(stage, info_file, region, endpoint_url, profile)
    alarm_set = _alarm_set(stage, target, thresholds)
    alarms = [a for a in alarm_set.alarms if only is None or only in a.slug]
    if not alarms:
        raise BadInput(f"--alarm: no alarm matches {only!r} (see `ops alarms list`)")
    end = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
    start = end - dt.timedelta(days=days)
    clients: dict[str | None, Any] = {}

    def client_for(where: str | None) -> Any:
        if where not in clients:
            clients[where] = aws.client("cloudwatch", where)
        return clients[where]

    with progress() as bar:
        task = bar.add_task("reading metrics", total=None)
        source = CloudWatchSource(
            client_for, on_progress=lambda done, total: bar.update(task, completed=done, total=total)
        )
        outcomes = run(alarms, source, start, end)
    by_name = {a.name: a for a in alarms}
    data = {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "alarms": [
            {
                "alarm": o.alarm,
                "fires": o.fires,
                "datapoints": o.datapoints,
                "periods": o.periods,
                "seconds_in_alarm": o.periods_in_alarm * by_name[o.alarm].period,
                "fire_times": [dt.datetime.fromtimestamp(t, dt.UTC).isoformat() for t in o.fire_times()],
                "worst": o.worst,
                "threshold": by_name[o.alarm].threshold,
                "notes": o.notes,
            }
            for o in outcomes
        ],
    }

    def human() -> list[Any]:
        table = Table(title=f"backtest of {len(outcomes)} alarms over {days:g} days ({target.prefix})")
        for column in ("alarm", "level", "fires", "in ALARM", "first fire", "worst / threshold", "data", "notes"):
            table.add_column(column, overflow="fold")
        for outcome in sorted(outcomes, key=lambda o: (-o.fires, o.alarm)):
            spec = by_name[outcome.alarm]
            fires = outcome.fire_times()
            worst = "-" if outcome.worst is None else f"{outcome.worst:.4g} / {spec.threshold:.4g}"
            table.add_row(
                spec.slug,
                _level(spec.severity),
                f"[bold red]{outcome.fires}[/]" if outcome.fires else "0",
                _duration(outcome.periods_in_alarm * spec.period) if outcome.periods_in_alarm else "-",
                dt.datetime.fromtimestamp(fires[0], dt.UTC).strftime("%m-%d %H:%M") if fires else "-",
                worst,
                f"{outcome.datapoints}/{outcome.periods}",
                "; ".join(outcome.notes),
            )
        firing = [o for o in outcomes if o.fires]
        no_data = [o for o in outcomes if not o.datapoints]
        shown: list[Any] = [
            table,
            f"{len(firing)} of {len(outcomes)} alarms would have fired,"
            f" {sum(o.fires for o in outcomes)} notifications in all;"
            f" {len(no_data)} alarms had no data.",
        ]
        if days > 15 and any(a.period < 300 for a in alarms):
            shown.append(
                "[yellow]note:[/] CloudWatch keeps 1-minute data for 15 days; older minutes count as missing data."
            )
        return shown

    emit(data, fmt, human=human)


def _register_prove() -> None:
    # `ops alarms prove` lives in its own module (ops.commands.alarms_prove).
    from ops.commands.alarms_prove import prove

    app.command("prove")(prove)


_register_prove()
