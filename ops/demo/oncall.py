"""The on-call chapter of the demo: healthy traffic, a fault injected midway, the alarm
firing, the notification exactly as the on-call engineer receives it, and the recovery.

It runs on a twin of its own with a fast clock (a minute of alarms every two seconds), so the story
takes about a minute of wall time; the times it prints are minutes of the twin's clock.
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

from rich.console import Console

from ops.local import faults
from ops.local.twin import Twin, TwinConfig
from ops.prove.runner import Prover
from ops.prove.traffic import wait_for

CLOCK_SPEED = 30.0
FUNCTION = "chat"


def tell(console: Console, clock_speed: float = CLOCK_SPEED) -> bool:
    """Tell the story on a new twin; True when the alarm fired, notified and recovered."""
    config = TwinConfig(port=0, clock_speed=clock_speed, state_dir=Path(tempfile.mkdtemp(prefix="oncall-")))
    console.rule("on call: a fault, the page, the recovery")
    with Twin(config) as twin:
        prover = Prover(twin.info.as_dict())
        try:
            return _story(twin, prover, console)
        finally:
            prover.stop()


def _names(delivery: dict[str, str], target: str) -> bool:
    """True when ``delivery`` is about ``target``: its own, or the composite page naming it."""
    if delivery["alarm"].endswith(target):
        return True
    return delivery["alarm"].endswith("service-health") and f"{target}: ALARM" in delivery["text"]


def _story(twin: Twin, prover: Prover, console: Console) -> bool:
    minutes = prover.minutes
    console.print(f"twin clock x{prover.clock.speed:g}; every alarm is evaluated each twin minute")
    prover.traffic.sign_in()
    prover.traffic.run("medium")
    started = time.monotonic()
    settled = wait_for(lambda: "ALARM" not in prover.states().values(), prover.wall(10))
    time.sleep(prover.wall(3))
    console.print(
        f"[green]healthy[/]: 20 chat requests a minute, no alarm ({minutes(time.monotonic() - started):g} min)"
    )
    if settled is None:
        console.print("[red]an alarm is firing before any fault[/]")
        return False
    seen = len(prover.deliveries())
    faults.inject(Path(twin.info.faults_file), "function-errors", FUNCTION)
    injected = time.monotonic()
    console.print(f"[red]fault[/]: `ops local fault inject function-errors --function {FUNCTION}`")
    target = f"{FUNCTION}-lambda-error-rate-critical"
    fired = wait_for(lambda: prover.states().get(target) == "ALARM", prover.wall(10))
    if fired is None:
        console.print(f"[red]{target} did not fire[/]")
        return False
    console.print(f"[bold red]ALARM[/] {target} after {minutes(fired):g} min")
    wait_for(lambda: prover.states().get("service-health") == "ALARM", prover.wall(3))
    wait_for(lambda: any(d["state"] == "ALARM" for d in prover.deliveries()[seen:]), prover.wall(2))
    time.sleep(prover.wall(1))
    delivered = [d for d in prover.deliveries()[seen:] if d["state"] == "ALARM"]
    console.print(f"{len(delivered)} deliveries: " + ", ".join(f"{d['channel']} ({d['alarm']})" for d in delivered))
    # One notification per incident: the page is ServiceHealth's, naming the alarm that
    # triggered it (a warning, which pages no one, may still mail on its own).
    email = next((d for d in delivered if d["channel"] == "email" and _names(d, target)), None)
    if email is not None:
        # Exactly as delivered: no wrapping, no markup.
        console.rule(f"the email, as delivered ({email['time']})")
        console.print(
            f"Subject: {email['subject']}\n\n{email['text'].rstrip()}", markup=False, highlight=False, soft_wrap=True
        )
        console.rule()
    seen = len(prover.deliveries())
    faults.clear(Path(twin.info.faults_file))
    console.print("[green]fixed[/]: `ops local fault clear`")
    recovered = wait_for(lambda: "ALARM" not in prover.states().values(), prover.wall(10))
    if recovered is None:
        console.print("[red]still in ALARM after the fix[/]")
        return False
    time.sleep(prover.wall(1))
    ok = [d for d in prover.deliveries()[seen:] if d["state"] == "OK"]
    console.print(
        f"[bold green]OK[/] again after {minutes(recovered):g} min; {len(ok)} OK deliveries"
        f" ({minutes(time.monotonic() - injected):g} min from fault to all clear)"
    )
    history = prover.cloudwatch.describe_alarm_history(AlarmName=f"{prover.prefix}{target}", MaxRecords=5)
    for item in history["AlarmHistoryItems"]:
        data = json.loads(item["HistoryData"])
        console.print(f"  history: {item['HistorySummary']}: {data['newState']['stateReason'][:110]}")
    return email is not None
