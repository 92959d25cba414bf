"""`ops alarms`: the stack's alarms from the stack model: render, deploy, diff, list, test, backtest.

Where: ``--info-file`` (written by ``ops local up --info-file``) targets the local twin;
otherwise the deployed CloudFormation stack of ``--stage`` (``--region``, ``--endpoint-url``,
``--profile``). ``render`` and ``list`` need no AWS at all.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from infra import STACK
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn
from rich.table import Table

from ops.commands.stack import EndpointOption, ProfileOption, RegionOption, StageOption, check_stage

app = typer.Typer(
    help="Alarms generated from the stack model: render, deploy, diff, list, test, backtest.", no_args_is_help=True
)

InfoFileOption = Annotated[
    Path | None,
    typer.Option(
        "--info-file",
        help="Target the local twin described by this file (`ops local up --info-file`) instead of a deployed stack.",
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]
OutOption = Annotated[Path, typer.Option("--out", "-o", help="Directory to write the files into.")]
ThresholdsOption = Annotated[
    Path | None, typer.Option("--thresholds", help="Thresholds file (default: the packaged alarms/thresholds.yaml).")
]

err = Console(stderr=True)
out = Console()


class CliError(RuntimeError):
    """A failure the user can act on: printed as one line, exit code 1."""


@contextmanager
def errors() -> Iterator[None]:
    """Turn any failure into one red line on stderr and a non-zero exit (never a traceback)."""
    from botocore.exceptions import BotoCoreError, ClientError

    from alarms.config import ThresholdsError
    from alarms.target import TargetError
    from dashboards.validate import DashboardInvalid
    from ops.deploy.errors import describe_error

    try:
        yield
    except (typer.Exit, typer.Abort, typer.BadParameter):
        raise
    except KeyboardInterrupt:
        err.print("[red]interrupted[/]")
        raise typer.Exit(130) from None
    except (CliError, TargetError, ThresholdsError, DashboardInvalid) as error:
        err.print(f"[bold red]error:[/] {escape(str(error))}", highlight=False)
        raise typer.Exit(1) from None
    except KeyError as error:
        err.print(f"[bold red]error:[/] {escape(str(error.args[0]) if error.args else str(error))}", highlight=False)
        raise typer.Exit(1) from None
    except (ClientError, BotoCoreError, OSError, ValueError) as error:
        err.print(f"[bold red]error:[/] {escape(describe_error(error))}", highlight=False)
        raise typer.Exit(1) from None


@dataclass(frozen=True)
class Aws:
    """How to reach CloudWatch: a region, an endpoint (moto, the twin) and a profile."""

    region: str | None = None
    endpoint_url: str | None = None
    profile: str | None = None
    local: bool = False

    def client(self, service: str, region: str | None = None) -> Any:
        """A client of ``service``; with an endpoint (an emulator), failing fast (no retries)."""
        import boto3
        from botocore.config import Config

        if self.local:
            session = boto3.Session(aws_access_key_id="local", aws_secret_access_key="local", region_name="us-east-1")
        else:
            session = boto3.Session(profile_name=self.profile, region_name=self.region)
        chosen = region or self.region or session.region_name
        if not chosen:
            raise CliError("no AWS region: pass --region or set AWS_REGION")
        retries = {"max_attempts": 1} if self.endpoint_url else {"max_attempts": 5, "mode": "standard"}
        config = Config(retries=retries, connect_timeout=5, read_timeout=60)  # type: ignore[arg-type]
        make: Any = session.client
        # An emulator serves every region at one endpoint; billing metrics live in us-east-1.
        return make(service, region_name=chosen, endpoint_url=self.endpoint_url, config=config)


def read_info(path: Path) -> dict[str, Any]:
    """The twin's info file, as written by ``ops local up --info-file``."""
    try:
        info = json.loads(path.read_text())
    except OSError as error:
        raise CliError(
            f"cannot read {path}: {error.strerror or error} (start the twin with `ops local up --info-file {path}`)"
        ) from None
    except ValueError:
        raise CliError(f"{path} is not JSON (expected the file `ops local up --info-file` writes)") from None
    if not isinstance(info, dict):
        raise CliError(f"{path} is not an info file of the local twin")
    return info


def connect(
    stage: str, info_file: Path | None, region: str | None, endpoint_url: str | None, profile: str | None
) -> tuple[Aws, Any]:
    """The AWS access and the target (twin from ``info_file``, else the deployed stack)."""
    from alarms.resolve import deployed_target
    from alarms.target import twin_target

    check_stage(stage)
    if info_file is not None:
        from ops.local import names as local_names

        info = read_info(info_file)
        endpoint = endpoint_url or str(info.get("aws_endpoint_url") or "") or None
        if endpoint is None:
            raise CliError(f"{info_file} has no aws_endpoint_url; pass --endpoint-url")
        aws = Aws(region=local_names.REGION, endpoint_url=endpoint, local=True)
        target = twin_target(STACK, info, stage=stage, region=local_names.REGION, account_id=local_names.ACCOUNT_ID)
        return aws, target
    aws = Aws(region=region, endpoint_url=endpoint_url, profile=profile)
    return aws, deployed_target(STACK, stage, aws.client("cloudformation"))


def progress() -> Progress:
    """A transient progress bar on stderr."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        console=err,
        transient=True,
    )


def _alarm_set(stage: str, target: Any = None, thresholds_file: Path | None = None) -> Any:
    from alarms.build import build_alarms
    from alarms.config import load_thresholds

    return build_alarms(STACK, stage, target=target, thresholds=load_thresholds(stage, thresholds_file))


def print_json(value: Any) -> None:
    """Print ``value`` as indented JSON (keys sorted) on standard output."""
    sys.stdout.write(json.dumps(value, indent=2, sort_keys=True, default=str) + "\n")


@app.command("render")
def render(
    out_dir: OutOption,
    stage: StageOption = "dev",
    info_file: InfoFileOption = None,
    thresholds: ThresholdsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Write every alarm of STAGE as API arguments to OUT/alarms.json (the template's view of
    the names, or the twin's with --info-file). Same model, same bytes."""
    from alarms.render import write_files

    with errors():
        target = connect(stage, info_file, None, None, None)[1] if info_file else None
        check_stage(stage)
        alarm_set = _alarm_set(stage, target, thresholds)
        paths = write_files(alarm_set, out_dir)
        summary = {
            "files": [str(p) for p in paths],
            "metric_alarms": len(alarm_set.alarms),
            "composite_alarms": len(alarm_set.composites),
        }
        if as_json:
            print_json(summary)
        else:
            out.print(
                f"wrote {paths[0]} ({len(alarm_set.alarms)} metric alarms, {len(alarm_set.composites)} composite)"
            )


def _level(severity: str) -> str:
    return "[red]critical[/]" if severity == "critical" else "[yellow]warning[/]"


@app.command("list")
def list_alarms(
    stage: StageOption = "dev",
    thresholds: ThresholdsOption = None,
    as_json: JsonOption = False,
) -> None:
    """List the alarms of STAGE: level, resource, condition, missing-data rule, monthly cost."""
    from alarms.spec import AlarmSpec

    with errors():
        check_stage(stage)
        alarm_set = _alarm_set(stage, None, thresholds)
        if as_json:
            print_json(
                [
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
            )
            return
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
        out.print(table)
        out.print(f"{len(alarm_set)} alarms, about {alarm_set.monthly_cost_usd:.2f} USD a month in CloudWatch")


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
    endpoint_url: EndpointOption = None,
    profile: ProfileOption = None,
    prune: Annotated[
        bool, typer.Option("--prune", help="Also delete alarms under the stack's prefix the model no longer has.")
    ] = False,
    thresholds: ThresholdsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Create or update every alarm of STAGE with the CloudWatch API (the template deploys them
    too; this is for the local twin and quick iterations)."""
    from alarms.drift import describe_all
    from alarms.render import composite_alarm_args, metric_alarm_args

    with errors():
        aws, target = connect(stage, info_file, region, endpoint_url, profile)
        alarm_set = _alarm_set(stage, target, thresholds)
        cloudwatch = aws.client("cloudwatch")
        skipped: list[str] = []
        with progress() as bar:
            task = bar.add_task("putting alarms", total=len(alarm_set))
            for spec in alarm_set.alarms:
                cloudwatch.put_metric_alarm(**metric_alarm_args(spec, alarm_set.topic_arn))
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
        if as_json:
            print_json(result)
            return
        out.print(f"[green]put[/] {result['put']} alarms into {target.prefix} ({target.region})")
        if skipped:
            out.print(
                f"[yellow]skipped[/] {len(skipped)} composite alarm(s): this endpoint does not implement "
                "PutCompositeAlarm (moto); they are part of the CloudFormation template"
            )
        if deleted:
            out.print(f"[red]deleted[/] {len(deleted)} alarm(s) the model no longer has")


@app.command("diff")
def diff(
    stage: StageOption = "dev",
    info_file: InfoFileOption = None,
    region: RegionOption = None,
    endpoint_url: EndpointOption = None,
    profile: ProfileOption = None,
    thresholds: ThresholdsOption = None,
    exit_code: Annotated[bool, typer.Option("--exit-code", help="Exit with 1 when anything differs.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Compare the alarms the model generates with the ones deployed (missing, changed, extra)."""
    from alarms.drift import compare, describe_all
    from alarms.render import composite_alarm_args, metric_alarm_args

    with errors():
        aws, target = connect(stage, info_file, region, endpoint_url, profile)
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
        wanted = [metric_alarm_args(s, alarm_set.topic_arn) for s in alarm_set.alarms]
        wanted += [composite_alarm_args(c, alarm_set.topic_arn) for c in alarm_set.composites]
        drift = compare(wanted, deployed, f"{target.prefix}-")
        if as_json:
            print_json({**drift.as_dict(), "note": note})
        else:
            print_drift("alarm", drift.missing, drift.changed, drift.extra, drift.same)
            if note:
                out.print(f"[yellow]note:[/] {note}")
        if exit_code and not drift.clean:
            raise typer.Exit(1)


def print_drift(kind: str, missing: list[str], changed: dict[str, list[str]], extra: list[str], same: int) -> None:
    """Print a drift report as a table (or that nothing differs)."""
    if not (missing or changed or extra):
        out.print(f"[green]no drift[/]: {same} {kind}s match the model")
        return
    table = Table(title=f"{kind} drift")
    table.add_column("change")
    table.add_column(kind, overflow="fold")
    table.add_column("what differs", overflow="fold")
    for name in missing:
        table.add_row("[green]+ missing[/]", name, "not deployed")
    for name, fields in sorted(changed.items()):
        table.add_row("[yellow]~ changed[/]", name, ", ".join(fields[:12]) + (" ..." if len(fields) > 12 else ""))
    for name in extra:
        table.add_row("[red]- extra[/]", name, "deployed, not in the model")
    out.print(table)
    out.print(f"{len(missing)} missing, {len(changed)} changed, {len(extra)} extra, {same} unchanged")


def _show_notification(notification: Any, label: str, as_json: bool, collected: list[dict[str, Any]]) -> None:
    from backend.notifications import email, slack

    message = email.render(notification)
    if as_json:
        collected.append(
            {
                "state": notification.state,
                "webhook": slack.payload(notification),
                "email": {"subject": message.subject, "body": message.body},
            }
        )
        return
    # Printed as is (no markup, no wrapping): links must stay whole to be clickable.
    out.rule(f"{label}: webhook message (Slack mrkdwn)")
    out.print(slack.plain_text(notification), soft_wrap=True, markup=False, emoji=False, highlight=False)
    out.rule(f"{label}: email")
    out.print(
        f"Subject: {message.subject}\n\n{message.body}", soft_wrap=True, markup=False, emoji=False, highlight=False
    )


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
    endpoint_url: EndpointOption = None,
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
    as_json: JsonOption = False,
) -> None:
    """Force NAME into ALARM (SetAlarmState), read it back, and show the notification people get,
    rendered by the notifier's own code; then set it back to OK and show that one too.

    Emulators publish nothing on a state change, so the notification is rendered here; in AWS
    CloudWatch also publishes it to the alarm topic and the notifier delivers it.
    """
    from backend.notifications.channels import WebhookChannel
    from backend.notifications.service import notification_of

    from alarms.state_change import alarm_message, sns_event

    with errors():
        if offline:
            check_stage(stage)
            alarm_set = _alarm_set(stage)
            spec = alarm_set.find(name)
            region_name, account, topic = "us-east-1", "123456789012", "arn:aws:sns:us-east-1:123456789012:alarms"
            changes = [("OK", _offline_alarm(spec, topic, "ALARM"))] + (
                [] if keep else [("ALARM", _offline_alarm(spec, topic, "OK"))]
            )
        else:
            aws, target = connect(stage, info_file, region, endpoint_url, profile)
            alarm_set = _alarm_set(stage, target)
            spec = alarm_set.find(name)
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
        channel = WebhookChannel(webhook_url) if webhook_url else None
        for old_state, alarm in changes:
            message = alarm_message(alarm, old_state, region=region_name, account_id=account)
            notification = notification_of(sns_event(message, topic)["Records"][0])
            _show_notification(notification, f"{alarm['AlarmName']} -> {notification.state}", as_json, collected)
            if channel is not None:
                channel.send(notification)
                if not as_json:
                    out.print(f"[green]delivered[/] the {notification.state} message to the webhook")
        if as_json:
            print_json({"alarm": spec.name, "notifications": collected})


def _describe(cloudwatch: Any, name: str) -> dict[str, Any]:
    response = cloudwatch.describe_alarms(AlarmNames=[name])
    found = response.get("MetricAlarms", []) + response.get("CompositeAlarms", [])
    if not found:
        raise CliError(
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
    endpoint_url: EndpointOption = None,
    profile: ProfileOption = None,
    only: Annotated[str | None, typer.Option("--alarm", help="Only alarms whose name contains this text.")] = None,
    thresholds: ThresholdsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Replay every alarm's rule over the metrics recorded in the last DAYS and report how often
    it would have fired (CloudWatch, and the twin's emulator, never replay alarms)."""
    from alarms.backtest import backtest as run
    from alarms.source import CloudWatchSource

    with errors():
        aws, target = connect(stage, info_file, region, endpoint_url, profile)
        alarm_set = _alarm_set(stage, target, thresholds)
        alarms = [a for a in alarm_set.alarms if only is None or only in a.slug]
        if not alarms:
            raise CliError(f"no alarm matches {only!r}")
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
        if as_json:
            print_json(
                {
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
            )
            return
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
        out.print(table)
        firing = [o for o in outcomes if o.fires]
        no_data = [o for o in outcomes if not o.datapoints]
        out.print(
            f"{len(firing)} of {len(outcomes)} alarms would have fired,"
            f" {sum(o.fires for o in outcomes)} notifications in all;"
            f" {len(no_data)} alarms had no data."
        )
        if days > 15 and any(a.period < 300 for a in alarms):
            out.print(
                "[yellow]note:[/] CloudWatch keeps 1-minute data for 15 days; older minutes count as missing data."
            )


def _register_prove() -> None:
    # `ops alarms prove` lives in its own module (ops.commands.alarms_prove).
    from ops.commands.alarms_prove import prove

    app.command("prove")(prove)


_register_prove()
