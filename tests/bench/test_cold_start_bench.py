"""Cold init of each handler against a process that only imports boto3 and creates one
DynamoDB client, measured side by side in one run (fresh interpreters, tracing enabled as in
Lambda). Target: 1.3 or less. Also: the observability layer's cost on a warm invocation."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from pathlib import Path

from tests.bench.cold_start_env import lambda_like_env
from tests.support.events import rest_event, sample
from tests.support.realtime import ws_event

ROOT = Path(__file__).resolve().parents[2]
PROBE = Path(__file__).with_name("cold_start_probe.py")
ROUNDS = 7
TARGET_RATIO = 1.3


def _run(target: str, events: dict) -> float:
    result = subprocess.run(
        [sys.executable, str(PROBE), target],
        input=json.dumps(events),
        capture_output=True,
        text=True,
        env=lambda_like_env(),
        cwd=ROOT,
        check=True,
        timeout=60,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])["seconds"]


def test_cold_init_ratio_to_boto3_baseline() -> None:
    requests = {
        "auth": rest_event("GET", "/health"),
        # no authorizer claims: the resolver validates, routes and answers 401 without I/O
        "chat": rest_event("GET", "/conversations?limit=5"),
        "call": rest_event("GET", "/calls/ice-servers"),
        "websocket": ws_event("$connect", "bench-connection"),  # no token: refused without I/O
    }
    # the floor: required observability and the resolver, no validation, no application code
    requests["lean"] = rest_event("GET", "/health")
    times: dict[str, list[float]] = {"baseline": [], **{name: [] for name in requests}}
    for target in times:  # one untimed round warms the OS file cache for every target
        _run(target, {"warmup": sample("warmup.json"), "request": requests.get(target)})
    for _ in range(ROUNDS):
        for target in times:  # interleaved, so machine noise hits all alike
            times[target].append(_run(target, {"warmup": sample("warmup.json"), "request": requests.get(target)}))
    baseline = statistics.median(times["baseline"])
    print(f"\ncold init, median of {ROUNDS} fresh interpreters (import + warm-up ping + first request):")
    print(f"  baseline (import boto3, one DynamoDB client): {baseline * 1000:7.1f} ms")
    ratios = {}
    for target in requests:
        if target == "lean":
            continue
        median = statistics.median(times[target])
        ratios[target] = median / baseline
        print(f"  {target:8s}: {median * 1000:7.1f} ms   ratio {ratios[target]:.2f} (target <= {TARGET_RATIO})")
    lean = statistics.median(times["lean"])
    print(
        f"  lean reference (Powertools observability, non-validating resolver, botocore client, no app code):"
        f" {lean * 1000:7.1f} ms   ratio {lean / baseline:.2f}"
    )
    missed = {target: round(ratio, 2) for target, ratio in ratios.items() if ratio > TARGET_RATIO}
    assert not missed, f"cold start above {TARGET_RATIO} x the baseline (docs/cold-start.md): {missed}"
