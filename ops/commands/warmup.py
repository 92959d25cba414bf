"""`ops warmup`: plan, apply, status and verify the warm-up policy."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError
from infra import STACK
from rich.console import Console
from rich.table import Table

from ops.aws_clients import aws_client
from ops.cost.price_sheet import load_price_sheet
from ops.warmup.alias_check import alias_problems
from ops.warmup.aws import apply_changes, read_state
from ops.warmup.cost import policy_costs
from ops.warmup.desired import Place, desired_state
from ops.warmup.plan import Change, plan
from ops.warmup.policy import DEFAULT_PATH, Policy, PolicyError, load_policy
from ops.warmup.status import cold_start_rates

app = typer.Typer(
    help="Keep functions warm by policy (warmup.yaml): plan, apply, status, verify.", no_args_is_help=True
)
console = Console()
errors = Console(stderr=True)

PolicyOption = Annotated[Path, typer.Option("--policy", help="The policy file.")]
StageOption = Annotated[str, typer.Option("--stage", help="Stage whose functions are kept warm.")]
RegionOption = Annotated[str, typer.Option("--region", help="AWS region.")]
EndpointOption = Annotated[
    str | None, typer.Option("--endpoint-url", help="Another AWS endpoint, e.g. the local twin's.")
]
RoleOption = Annotated[
    str | None,
    typer.Option(
        "--scheduler-role-arn",
        help="Role EventBridge Scheduler assumes to invoke functions "
        "(default: the stack's <stack>-<stage>-warmup-scheduler role).",
    ),
]
FormatOption = Annotated[str, typer.Option("--format", help="table or json.")]
InfoFileOption = Annotated[
    Path | None,
    typer.Option(
        "--info-file",
        help="Target the local twin described by this file (`ops local up --info-file`): its "
        "endpoint and its function names.",
    ),
]


@dataclass
class Session:
    policy: Policy
    place: Place
    scheduler: Any
    autoscaling: Any
    cloudwatch: Any
    logs: Any
    client: Any
    # The local twin's function names by model name (from --info-file); empty for a stage.
    twin_functions: dict[str, str]


def _fail(message: str, hint: str = "") -> typer.Exit:
    errors.print(f"[red]error:[/red] {message}")
    if hint:
        errors.print(hint)
    return typer.Exit(2)


def _twin_info(path: Path) -> dict[str, Any]:
    try:
        info = json.loads(path.read_text())
    except OSError as error:
        raise _fail(
            f"cannot read {path}: {error.strerror or error}",
            f"start the twin with `ops local up --info-file {path}`",
        ) from error
    except ValueError as error:
        raise _fail(f"{path} is not JSON (expected the file `ops local up --info-file` writes)") from error
    if not isinstance(info, dict) or not isinstance(info.get("functions"), dict) or not info.get("aws_endpoint_url"):
        raise _fail(f"{path} is not an info file of the local twin (no aws_endpoint_url / functions)")
    return info


def _session(
    policy_path: Path,
    stage: str,
    region: str,
    endpoint: str | None,
    role: str | None,
    info_file: Path | None = None,
) -> Session:
    twin_functions: dict[str, str] = {}
    if info_file is not None:
        info = _twin_info(info_file)
        endpoint = endpoint or str(info["aws_endpoint_url"])
        twin_functions = {str(k): str(v) for k, v in info["functions"].items()}
    try:
        policy = load_policy(policy_path, STACK)
    except PolicyError as error:
        errors.print(f"[red]error:[/red] {policy_path} is not a valid warm-up policy; nothing was applied:")
        for problem in error.problems:
            errors.print(f"  - {problem}")
        raise typer.Exit(2) from error

    def client(name: str) -> Any:
        return aws_client(name, endpoint, region)

    try:
        account = client("sts").get_caller_identity()["Account"]
    except NoCredentialsError as error:
        raise _fail("no AWS credentials", "configure a profile or pass --endpoint-url for the local twin") from error
    except (BotoCoreError, ClientError) as error:
        raise _fail(f"cannot reach AWS: {error}", "check --endpoint-url / --region and your network") from error
    place = Place(STACK, stage, region, account, role or "", twin_functions)
    return Session(
        policy,
        place,
        client("scheduler"),
        client("application-autoscaling"),
        client("cloudwatch"),
        client("logs"),
        client,
        twin_functions,
    )


def _changes(session: Session) -> list[Change]:
    try:
        actual = read_state(session.scheduler, session.autoscaling, session.place)
    except (BotoCoreError, ClientError) as error:
        raise _fail(f"cannot read the current schedules: {error}") from error
    return plan(desired_state(session.policy, session.place), actual)


def _show_changes(changes: list[Change]) -> None:
    if not changes:
        console.print("[green]in sync:[/green] AWS matches the policy")
        return
    table = Table(title="changes")
    for column in ("action", "kind", "name", "reason"):
        table.add_column(column)
    for change in changes:
        table.add_row(change.verb, change.kind, change.name, change.reason)
    console.print(table)


def _show_costs(session: Session) -> list[dict[str, Any]]:
    costs = [c.to_dict() for c in policy_costs(session.policy, STACK, load_price_sheet())]
    table = Table(title="monthly cost of the policy, and of each method for the same environments (USD, no free tier)")
    columns = (
        "function",
        "method",
        "N",
        "hours/month",
        "cost",
        "as pings",
        "as provisioned",
        "as snapstart",
        "snapstart break-even (restores/month)",
        "cheaper",
    )
    for column in columns:
        table.add_column(column, justify="right" if column not in ("function", "method", "cheaper") else "left")
    for c in costs:
        table.add_row(
            c["function"],
            c["method"],
            str(c["concurrency"]),
            f"{c['window_hours']:.0f}",
            f"{c['monthly_cost']:.2f}",
            f"{c['ping_cost']:.2f}",
            f"{c['provisioned_cost']:.2f}",
            f"{c['snapstart_cost']:.2f} ({c['snapstart_restores']:,.0f} restores)",
            f"{c['snapstart_break_even_restores']:,.0f}",
            c["cheaper"],
        )
    console.print(table)
    console.print(f"total: ${sum(c['monthly_cost'] for c in costs):.2f} a month")
    console.print(
        "snapstart: the live version's snapshot cached all month plus one restore per environment per window "
        "hour (assumed); below the break-even number of restores it is the cheapest of the three"
    )
    return costs


def _check_format(fmt: str) -> None:
    if fmt not in ("table", "json"):
        raise typer.BadParameter("use table or json", param_hint="--format")


@app.command("plan")
def plan_command(
    policy: PolicyOption = DEFAULT_PATH,
    stage: StageOption = "dev",
    region: RegionOption = "us-east-1",
    endpoint_url: EndpointOption = None,
    scheduler_role_arn: RoleOption = None,
    info_file: InfoFileOption = None,
    format: FormatOption = "table",
) -> None:
    """Show what `apply` would change, with the reason, and what the policy costs a month."""
    _check_format(format)
    session = _session(policy, stage, region, endpoint_url, scheduler_role_arn, info_file)
    changes = _changes(session)
    if format == "json":
        costs = [c.to_dict() for c in policy_costs(session.policy, STACK, load_price_sheet())]
        typer.echo(json.dumps({"changes": [c.to_dict() for c in changes], "costs": costs}, indent=2))
        return
    _show_changes(changes)
    _show_costs(session)


@app.command("apply")
def apply_command(
    policy: PolicyOption = DEFAULT_PATH,
    stage: StageOption = "dev",
    region: RegionOption = "us-east-1",
    endpoint_url: EndpointOption = None,
    scheduler_role_arn: RoleOption = None,
    info_file: InfoFileOption = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask before changing.")] = False,
) -> None:
    """Make AWS match the policy (idempotent: a second run changes nothing)."""
    session = _session(policy, stage, region, endpoint_url, scheduler_role_arn, info_file)
    changes = _changes(session)
    _show_changes(changes)
    if not changes:
        return
    if not yes and not typer.confirm(f"apply {len(changes)} change(s)?", default=False):
        errors.print("nothing changed")
        raise typer.Exit(1)
    with console.status("applying") as status:
        done = 0

        def progress(change: Change) -> None:
            nonlocal done
            done += 1
            status.update(f"applied {done}/{len(changes)}: {change.verb} {change.kind} {change.name}")

        try:
            apply_changes(session.scheduler, session.autoscaling, session.place, changes, progress)
        except (BotoCoreError, ClientError) as error:
            raise _fail(
                f"stopped after {done} of {len(changes)} changes: {error}",
                "run `ops warmup plan` to see what is left, fix the cause, then apply again",
            ) from error
    console.print(f"[green]applied {len(changes)} change(s)[/green]")


@app.command("status")
def status_command(
    policy: PolicyOption = DEFAULT_PATH,
    stage: StageOption = "dev",
    region: RegionOption = "us-east-1",
    endpoint_url: EndpointOption = None,
    scheduler_role_arn: RoleOption = None,
    info_file: InfoFileOption = None,
    days: Annotated[int, typer.Option("--days", min=1, max=455, help="How far back.")] = 7,
    format: FormatOption = "table",
) -> None:
    """Drift against the policy and the cold-start rate real traffic saw (warm-ups excluded)."""
    _check_format(format)
    session = _session(policy, stage, region, endpoint_url, scheduler_role_arn, info_file)
    changes = _changes(session)
    try:
        rates = cold_start_rates(session.cloudwatch, session.logs, STACK, stage, days, session.twin_functions)
    except (BotoCoreError, ClientError) as error:
        raise _fail(f"cannot read metrics or logs: {error}") from error
    if format == "json":
        typer.echo(
            json.dumps({"drift": [c.to_dict() for c in changes], "cold_starts": [r.to_dict() for r in rates]}, indent=2)
        )
        return
    _show_changes(changes)
    table = Table(title=f"cold starts seen by users, last {days} day(s)")
    for column in ("function", "user invocations", "cold starts", "rate (metrics)", "rate (REPORT lines)"):
        table.add_column(column, justify="left" if column == "function" else "right")
    for rate in rates:
        table.add_row(
            rate.function,
            str(rate.invocations - rate.warmups),
            str(rate.cold_starts),
            "-" if rate.rate is None else f"{rate.rate:.1%}",
            "-" if rate.log_rate is None else f"{rate.log_rate:.1%}",
        )
    console.print(table)


@app.command("verify")
def verify_command(
    policy: PolicyOption = DEFAULT_PATH,
    stage: StageOption = "dev",
    region: RegionOption = "us-east-1",
    endpoint_url: EndpointOption = None,
    scheduler_role_arn: RoleOption = None,
    info_file: InfoFileOption = None,
) -> None:
    """Exit 1 when AWS has drifted from the policy, or when what it warms is not what users
    reach: an API integration that does not invoke the ``live`` alias, or an alias that is
    not on the latest published version (for a cron job or CI)."""
    session = _session(policy, stage, region, endpoint_url, scheduler_role_arn, info_file)
    changes = _changes(session)
    _show_changes(changes)
    problems = _alias_problems(session)
    for problem in problems:
        errors.print(f"[red]not reaching users:[/red] {problem}", soft_wrap=True)
    if changes:
        errors.print(f"drift: {len(changes)} difference(s); run `ops warmup apply` to repair")
    if changes or problems:
        raise typer.Exit(1)
    console.print(
        "[green]warm where users arrive:[/green] every warmed alias is the one the APIs invoke, on its latest version"
    )


def _alias_problems(session: Session) -> list[str]:
    if session.twin_functions:
        # The twin's gateway invokes every function's live alias (ops/local/runtime.py) and
        # runs one published version: there is no deployed API or alias to inspect.
        console.print("the local twin invokes every function through its live alias (alias checks are for stages)")
        return []
    client = session.client
    try:
        return alias_problems(
            client("lambda"), client("apigateway"), client("apigatewayv2"), session.policy, session.place
        )
    except (BotoCoreError, ClientError) as error:
        raise _fail(f"cannot read the functions' aliases or the APIs' integrations: {error}") from error
