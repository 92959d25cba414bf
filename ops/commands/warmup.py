"""`ops warmup`: plan, apply, status and verify the warm-up policy."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ops.conventions import (
    AwsFailure,
    BadInput,
    EndpointUrlOption,
    Failed,
    FormatOption,
    InfoFileOption,
    ProfileOption,
    RegionOption,
    StageOption,
    connect,
    emit,
    ops_app,
)

if TYPE_CHECKING:
    from ops.warmup.desired import Place
    from ops.warmup.plan import Change
    from ops.warmup.policy import Policy

DEFAULT_PATH = Path("warmup.yaml")  # ops.warmup.policy.DEFAULT_PATH, without importing it for --help

app = ops_app("Keep functions warm by policy (warmup.yaml): plan, apply, status, verify.")

PolicyOption = Annotated[Path, typer.Option("--policy", help="The policy file.")]
RoleOption = Annotated[
    str | None,
    typer.Option(
        "--scheduler-role-arn",
        help="Role EventBridge Scheduler assumes to invoke functions "
        "(default: the stack's <stack>-<stage>-warmup-scheduler role).",
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


def _session(
    policy_path: Path,
    stage: str,
    role: str | None,
    *,
    region: str | None,
    endpoint_url: str | None,
    profile: str | None,
    info_file: Path | None,
) -> Session:
    from infra import STACK

    from ops.warmup.desired import Place

    policy = _load_policy(policy_path)
    aws = connect(region=region, endpoint_url=endpoint_url, profile=profile, info_file=info_file)
    account = aws.client("sts").get_caller_identity()["Account"]
    functions = (aws.info or {}).get("functions") if info_file is not None else None
    if info_file is not None and not isinstance(functions, dict):
        raise BadInput(f"{info_file} names no functions (expected the file `ops local up --info-file` writes)")
    twin_functions = {str(k): str(v) for k, v in (functions or {}).items()}
    place = Place(STACK, stage, aws.region_name(), account, role or "", twin_functions)
    return Session(
        policy,
        place,
        aws.client("scheduler"),
        aws.client("application-autoscaling"),
        aws.client("cloudwatch"),
        aws.client("logs"),
        aws.client,
        twin_functions,
    )


def _changes(session: Session) -> list[Change]:
    from ops.warmup.aws import read_state
    from ops.warmup.desired import desired_state
    from ops.warmup.plan import plan

    actual = read_state(session.scheduler, session.autoscaling, session.place)
    return plan(desired_state(session.policy, session.place), actual)


def _changes_view(changes: list[Change]) -> Any:
    from rich.table import Table

    if not changes:
        return "[green]in sync:[/green] AWS matches the policy"
    table = Table(title="changes")
    for column in ("action", "kind", "name", "reason"):
        table.add_column(column)
    for change in changes:
        table.add_row(change.verb, change.kind, change.name, change.reason)
    return table


def _costs_view(costs: list[dict[str, Any]]) -> list[Any]:
    from rich.table import Table

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
    return [
        table,
        f"total: ${sum(c['monthly_cost'] for c in costs):.2f} a month",
        "snapstart: the live version's snapshot cached all month plus one restore per environment per window "
        "hour (assumed); below the break-even number of restores it is the cheapest of the three",
    ]


@app.command("plan")
def plan_command(
    policy: PolicyOption = DEFAULT_PATH,
    stage: StageOption = "dev",
    region: RegionOption = None,
    endpoint_url: EndpointUrlOption = None,
    profile: ProfileOption = None,
    info_file: InfoFileOption = None,
    scheduler_role_arn: RoleOption = None,
    fmt: FormatOption = "table",
) -> None:
    """Show what `apply` would change, with the reason, and what the policy costs a month.

    The cost needs no AWS: without an account (no region or no credentials) and without
    ``--endpoint-url`` / ``--info-file``, it is printed alone with a note on what the change
    list needs, and the command exits 0."""
    from infra import STACK

    from ops.cost.price_sheet import load_price_sheet
    from ops.warmup.cost import policy_costs

    offline = _offline_reason(region, endpoint_url, profile, info_file)
    if offline is not None:
        loaded = _load_policy(policy)
        costs = [c.to_dict() for c in policy_costs(loaded, STACK, load_price_sheet())]
        note = (
            f"no change list: {offline}. It compares the policy with an AWS account (--profile, --region) "
            "or the local twin (--info-file FILE from `ops local up --info-file FILE`, or --endpoint-url URL)"
        )
        typer.echo(note, err=True)  # a note: stdout stays the result
        emit({"changes": None, "changes_note": note, "costs": costs}, fmt, human=lambda: _costs_view(costs))
        return
    session = _session(
        policy,
        stage,
        scheduler_role_arn,
        region=region,
        endpoint_url=endpoint_url,
        profile=profile,
        info_file=info_file,
    )
    changes = _changes(session)
    costs = [c.to_dict() for c in policy_costs(session.policy, STACK, load_price_sheet())]
    emit(
        {"changes": [c.to_dict() for c in changes], "costs": costs},
        fmt,
        human=lambda: [_changes_view(changes), *_costs_view(costs)],
    )


def _offline_reason(
    region: str | None, endpoint_url: str | None, profile: str | None, info_file: Path | None
) -> str | None:
    """Why no AWS can be asked (no region, no credentials), or None when one can, or when the
    user named one (then a failure to reach it is an error, not a reason to skip it)."""
    if region or endpoint_url or profile or info_file:
        return None
    import boto3

    session = boto3.Session()
    if not (session.region_name or os.environ.get("AWS_REGION")):
        return "no AWS region is configured"
    if session.get_credentials() is None:
        return "no AWS credentials are configured"
    return None


def _load_policy(policy_path: Path) -> Policy:
    from infra import STACK

    from ops.warmup.policy import PolicyError, load_policy

    try:
        return load_policy(policy_path, STACK)
    except PolicyError as error:  # before any AWS call: nothing is applied
        raise BadInput(f"{policy_path} is not a valid warm-up policy; nothing was applied:", *error.problems) from None


@app.command("apply")
def apply_command(
    policy: PolicyOption = DEFAULT_PATH,
    stage: StageOption = "dev",
    region: RegionOption = None,
    endpoint_url: EndpointUrlOption = None,
    profile: ProfileOption = None,
    info_file: InfoFileOption = None,
    scheduler_role_arn: RoleOption = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask before changing.")] = False,
) -> None:
    """Make AWS match the policy (idempotent: a second run changes nothing)."""
    from rich.console import Console

    console = Console()
    session = _session(
        policy,
        stage,
        scheduler_role_arn,
        region=region,
        endpoint_url=endpoint_url,
        profile=profile,
        info_file=info_file,
    )
    changes = _changes(session)
    console.print(_changes_view(changes))
    if not changes:
        return
    if not yes and not typer.confirm(f"apply {len(changes)} change(s)?", default=False):
        raise Failed("nothing changed (confirm, or pass --yes)")
    from ops.warmup.aws import apply_changes

    with console.status("applying") as status:
        done = 0

        def progress(change: Change) -> None:
            nonlocal done
            done += 1
            status.update(f"applied {done}/{len(changes)}: {change.verb} {change.kind} {change.name}")

        try:
            apply_changes(session.scheduler, session.autoscaling, session.place, changes, progress)
        except Exception as error:
            from ops.conventions.errors import classify

            problem = classify(error)
            if not isinstance(problem, AwsFailure):
                raise
            raise AwsFailure(
                f"stopped after {done} of {len(changes)} changes: {problem}",
                "run `ops warmup plan` to see what is left, fix the cause, then apply again",
            ) from None
    console.print(f"[green]applied {len(changes)} change(s)[/green]")


@app.command("status")
def status_command(
    policy: PolicyOption = DEFAULT_PATH,
    stage: StageOption = "dev",
    region: RegionOption = None,
    endpoint_url: EndpointUrlOption = None,
    profile: ProfileOption = None,
    info_file: InfoFileOption = None,
    scheduler_role_arn: RoleOption = None,
    days: Annotated[int, typer.Option("--days", min=1, max=455, help="How far back.")] = 7,
    fmt: FormatOption = "table",
) -> None:
    """Drift against the policy and the cold-start rate real traffic saw (warm-ups excluded)."""
    session = _session(
        policy,
        stage,
        scheduler_role_arn,
        region=region,
        endpoint_url=endpoint_url,
        profile=profile,
        info_file=info_file,
    )
    from infra import STACK
    from rich.table import Table

    from ops.warmup.status import cold_start_rates

    changes = _changes(session)
    rates = cold_start_rates(session.cloudwatch, session.logs, STACK, stage, days, session.twin_functions)

    def human() -> list[Any]:
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
        return [_changes_view(changes), table]

    emit({"drift": [c.to_dict() for c in changes], "cold_starts": [r.to_dict() for r in rates]}, fmt, human=human)


@app.command("verify")
def verify_command(
    policy: PolicyOption = DEFAULT_PATH,
    stage: StageOption = "dev",
    region: RegionOption = None,
    endpoint_url: EndpointUrlOption = None,
    profile: ProfileOption = None,
    info_file: InfoFileOption = None,
    scheduler_role_arn: RoleOption = None,
) -> None:
    """Exit 1 when AWS has drifted from the policy, or when what it warms is not what users
    reach: an API integration that does not invoke the ``live`` alias, or an alias that is
    not on the latest published version (for a cron job or CI)."""
    session = _session(
        policy,
        stage,
        scheduler_role_arn,
        region=region,
        endpoint_url=endpoint_url,
        profile=profile,
        info_file=info_file,
    )
    changes = _changes(session)
    emit([c.to_dict() for c in changes], "table", human=_changes_view(changes))
    problems = _alias_problems(session)
    if changes:
        raise Failed(f"drift: {len(changes)} difference(s); run `ops warmup apply` to repair", *problems)
    if problems:
        raise Failed("the warm-up does not reach users:", *problems)
    from rich.console import Console

    Console().print(
        "[green]warm where users arrive:[/green] every warmed alias is the one the APIs invoke, on its latest version"
    )


def _alias_problems(session: Session) -> list[str]:
    if session.twin_functions:
        # The twin's gateway invokes every function's live alias (ops/local/runtime.py) and
        # runs one published version: there is no deployed API or alias to inspect.
        return []
    from ops.warmup.alias_check import alias_problems

    client = session.client
    return alias_problems(client("lambda"), client("apigateway"), client("apigatewayv2"), session.policy, session.place)
