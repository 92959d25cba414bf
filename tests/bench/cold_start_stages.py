"""Where the chat function's cold start goes, stage by stage (docs/cold-start.md).

    .venv/bin/python tests/bench/cold_start_stages.py [--runs N]

Starts N fresh interpreters (11 by default), each importing the chat handler one layer at a
time with ``perf_counter`` between layers, then answering a warm-up ping and one request, and
prints the median cost of each stage. Collection is off from the start, as in the handler's
own init, so the stages add up without the collector's noise. Not a test: a measuring tool.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _stages() -> None:  # runs in the child interpreter
    import gc

    gc.disable()
    start = time.perf_counter()
    marks: list[tuple[str, float]] = []

    def mark(name: str) -> None:
        marks.append((name, (time.perf_counter() - start) * 1000))

    import boto3

    boto3.client("dynamodb")
    mark("boto3 and one DynamoDB client (the baseline)")
    import aws_xray_sdk.core  # noqa: F401

    mark("aws-xray-sdk")
    import backend.observability

    mark("Powertools Logger, Tracer, Metrics, our observability module")
    import aws_lambda_powertools.event_handler

    mark("Powertools event_handler package")
    import pydantic  # noqa: F401
    from pydantic import BaseModel  # noqa: F401

    mark("pydantic and pydantic-core")
    import aws_lambda_powertools.event_handler.middlewares.openapi_validation
    import aws_lambda_powertools.event_handler.openapi.params  # noqa: F401

    mark("Powertools openapi.params and the validation middleware")
    from backend.settings import get_settings

    get_settings()
    mark("settings")
    import backend.api.models.chat

    mark("request and response models")
    import backend.api.chat_routes  # noqa: F401

    mark("routes, services, store")
    from backend import adapters

    adapters.sender()
    adapters.fanout()
    mark("management API client and fan-out pool")
    import backend.handlers.chat as chat

    mark("resolver built")

    class Context:
        function_name = "stages"
        memory_limit_in_mb = 1024
        invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:stages"
        aws_request_id = "stages"

        def get_remaining_time_in_millis(self) -> int:
            return 10_000

    chat.handler({"warmup": True}, Context())
    mark("first warm-up ping (route validation compiled)")
    chat.handler(json.loads(sys.stdin.read()), Context())
    mark("first request")
    print(json.dumps(marks))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11, help="fresh interpreters to take the median over")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from tests.support.events import rest_event

    request = json.dumps(rest_event("GET", "/conversations?limit=5"))
    from tests.bench.cold_start_env import lambda_like_env

    env = lambda_like_env(POWERTOOLS_SERVICE_NAME="chat", POWERTOOLS_LOG_LEVEL="WARNING")
    runs = []
    for _ in range(args.runs):
        result = subprocess.run(
            [sys.executable, __file__, "--child"],
            input=request,
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            check=True,
        )
        runs.append(json.loads(result.stdout.strip().splitlines()[-1]))
    previous = 0.0
    print(f"chat function cold start, median of {args.runs} fresh interpreters:")
    for index, (name, _) in enumerate(runs[0]):
        cumulative = statistics.median(run[index][1] for run in runs)
        print(f"  {name:58s} {cumulative - previous:6.1f} ms  (total {cumulative:6.1f})")
        previous = cumulative


if __name__ == "__main__":
    if sys.argv[1:] == ["--child"]:
        _stages()
    else:
        main()
