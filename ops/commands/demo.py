"""`ops demo`: the local twin under a scripted day of traffic (what `make demo` runs)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ops.conventions import BadInput, Failed, boundary

if TYPE_CHECKING:
    from rich.console import Console

    from ops.local.twin import Twin
    from ops.warmup.policy import Policy


class Defaults:
    """The scripted day's defaults (``ops.demo.scenario.Plan``), repeated so that `ops demo --help`
    need not import the scenario; a test checks they agree."""

    users = 12
    rounds = 6
    calls = 3
    uploads = 3
    seed = 7


def project_cost(twin: Twin, users: int, console: Console) -> None:
    """Price the metrics the day just recorded, per user tier (what `ops cost project` prints)."""
    from ops.cost.cli import project_command

    console.rule("monthly cost per user tier, projected from the metrics just recorded")
    try:
        with boundary():
            project_command(
                cloudwatch=True,
                endpoint_url=twin.info.aws_endpoint_url,
                region="us-east-1",
                days=1,
                active_users=float(users),
                # The twin is provisioned from the dev stage's model: its template's idle lines.
                stage="dev",
            )
    except typer.Exit as done:
        if done.exit_code:
            console.print("the cost projection failed (see above); the demo's verdict stands")


def write_preview(twin: Twin, out_dir: Path, console: Console) -> None:
    """Draw the overview dashboard from the metrics the day just recorded (PNGs + index.html)."""
    from ops.commands.dashboards import preview as dashboards_preview

    console.rule("overview dashboard, drawn from the metrics just recorded")
    out_dir.mkdir(parents=True, exist_ok=True)
    info_file = out_dir / "twin.json"
    info_file.write_text(twin.info.to_json())
    try:
        with boundary():
            dashboards_preview(out_dir=out_dir, info_file=info_file, hours=0.25)
    except typer.Exit as done:
        if done.exit_code:
            console.print("the dashboard preview failed (see above); the demo's verdict stands")
    finally:
        info_file.unlink(missing_ok=True)


def _load_warmup(path: Path) -> Policy:
    from infra import STACK

    from ops.warmup.policy import PolicyError, load_policy

    try:
        return load_policy(path, STACK)
    except PolicyError as error:  # before the twin starts
        raise BadInput(f"{path} is not a valid warm-up policy:", *error.problems) from None


def _apply_warmup(twin: Twin, policy: Policy, console: Console) -> None:
    from infra import STACK

    from ops.demo.warmup import apply_policy

    provisioned = apply_policy(twin, policy, STACK)
    shown = ", ".join(f"{name} {count}" for name, count in sorted(provisioned.items())) or "none"
    console.print(f"warm-up policy {policy.source} applied; provisioned environments: {shown}")


def demo(
    users: Annotated[int, typer.Option("--users", min=2, max=200, help="Simulated users.")] = Defaults.users,
    rounds: Annotated[
        int, typer.Option("--rounds", min=1, max=100, help="Chat rounds (one message per user).")
    ] = Defaults.rounds,
    calls: Annotated[int, typer.Option("--calls", min=0, max=50, help="Calls with signalling.")] = Defaults.calls,
    uploads: Annotated[int, typer.Option("--uploads", min=0, max=50, help="Attachments uploaded.")] = Defaults.uploads,
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Gateway port (0: any free port).")] = 0,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the day's random choices.")] = Defaults.seed,
    preview_dir: Annotated[
        Path, typer.Option("--preview-dir", help="Where the dashboard preview (PNG + index.html) is written.")
    ] = Path("out/demo-dashboard"),
    oncall: Annotated[
        bool,
        typer.Option(
            "--oncall/--no-oncall", help="Then tell the on-call story: a fault, the alarm, the page, the recovery."
        ),
    ] = True,
    warmup_policy: Annotated[
        Path | None,
        typer.Option(
            "--warmup-policy",
            help="Apply this warm-up policy (e.g. warmup.yaml) to the twin first: its provisioned "
            "concurrency is initialized before the traffic, and the report's cold-start rate shows the effect.",
        ),
    ] = None,
) -> None:
    """Start the local twin, drive a scripted day of traffic from simulated users over real
    HTTP and WebSocket connections, and print a summary.

    Then (unless --no-oncall) the on-call story on a twin with a fast clock: a fault injected
    midway, the alarm firing, the notification as delivered, the recovery.

    Exits 1 if any sent message was not both stored and delivered to every connected participant,
    or the on-call story did not page and recover.
    """
    from rich.console import Console

    from ops.commands.local import start_twin
    from ops.demo.runner import report, run_day
    from ops.demo.scenario import Plan as Scenario
    from ops.demo.web import deploy_sample
    from ops.local.twin import TwinConfig

    console = Console()
    warmup = _load_warmup(warmup_policy) if warmup_policy is not None else None
    plan = Scenario(users=users, rounds=rounds, calls=calls, uploads=uploads, seed=seed)
    console.print(f"starting the local twin, then {users} users for {rounds} rounds...")
    twin = start_twin(TwinConfig(port=port))
    try:
        if warmup is not None:
            _apply_warmup(twin, warmup, console)
        outcome = run_day(twin, plan, console)
        ok = report(twin, outcome, console)
        ok = deploy_sample(twin, console) and ok
        project_cost(twin, users, console)
        write_preview(twin, preview_dir, console)
    except KeyboardInterrupt:
        console.print("interrupted")
        raise typer.Exit(130) from None
    finally:
        twin.stop()
    if oncall:
        from ops.demo.oncall import tell

        ok = tell(console) and ok
    if not ok:
        raise Failed(
            "some messages were not both stored and delivered to every connected participant, "
            "or the sample web build was not served (see above)"
        )
