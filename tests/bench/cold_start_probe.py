"""Run in a fresh interpreter by the cold-start bench: import one handler, answer a warm-up
ping, then one real request that needs no downstream call; print the elapsed seconds at once
(flushed: the parent stops its clock when the line arrives, before this process tears down).

The events arrive as JSON on standard input so that building them costs the probe nothing.
"""

import json
import sys
import time

start = time.perf_counter()
target = sys.argv[1]
if target == "baseline":
    import boto3

    boto3.client("dynamodb", region_name="us-east-1")
    elapsed = time.perf_counter() - start
else:
    events = json.loads(sys.stdin.read())
    start = time.perf_counter()
    import importlib

    module = importlib.import_module("lean_reference_handler" if target == "lean" else f"backend.handlers.{target}")

    class Context:
        function_name = target
        memory_limit_in_mb = 512
        invoked_function_arn = f"arn:aws:lambda:us-east-1:123456789012:function:{target}"
        aws_request_id = "bench"

        def get_remaining_time_in_millis(self) -> int:
            return 10_000

    module.handler(events["warmup"], Context())
    response = module.handler(events["request"], Context())
    elapsed = time.perf_counter() - start
    assert response["statusCode"] in (200, 401), response
print(json.dumps({"seconds": elapsed}), flush=True)
