"""A REST proxy function for testing the twin's Lambda semantics: it reports its
environment, context and cold start, and can be told to sleep, fail or answer badly."""

from __future__ import annotations

import json
import os
import time
from typing import Any

_COLD = True


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    global _COLD
    cold, _COLD = _COLD, False
    query = event.get("queryStringParameters") or {}
    if "sleep" in query:
        time.sleep(float(query["sleep"]))
    if "boom" in query:
        raise ValueError("boom")
    if "malformed" in query:
        return {"status": 200}
    # One EMF document, as Powertools prints them.
    print(
        json.dumps(
            {
                "_aws": {
                    "Timestamp": int(time.time() * 1000),
                    "CloudWatchMetrics": [
                        {
                            "Namespace": "ProbeTest",
                            "Dimensions": [["service"]],
                            "Metrics": [{"Name": "ProbeCalls", "Unit": "Count"}],
                        }
                    ],
                },
                "service": "probe",
                "ProbeCalls": 1,
            }
        )
    )
    body = {
        "cold": cold,
        "pid": os.getpid(),
        "env": {
            k: os.environ.get(k)
            for k in (
                "AWS_LAMBDA_FUNCTION_NAME",
                "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
                "POWERTOOLS_SERVICE_NAME",
                "PROBE_SETTING",
                "TABLE_NAME",
                "AWS_ENDPOINT_URL",
                "_X_AMZN_TRACE_ID",
                "AWS_LAMBDA_LOG_STREAM_NAME",
            )
        },
        "context": {
            "function_name": context.function_name,
            "memory_limit_in_mb": context.memory_limit_in_mb,
            "aws_request_id": context.aws_request_id,
            "remaining_ms": context.get_remaining_time_in_millis(),
            "invoked_function_arn": context.invoked_function_arn,
        },
        "event": {
            k: event.get(k)
            for k in (
                "resource",
                "path",
                "httpMethod",
                "pathParameters",
                "queryStringParameters",
                "body",
                "isBase64Encoded",
            )
        },
        "headers": event.get("headers"),
        "claims": ((event.get("requestContext") or {}).get("authorizer") or {}).get("claims"),
        "stage": (event.get("requestContext") or {}).get("stage"),
    }
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json", "X-Probe": "yes"},
        "body": json.dumps(body),
    }
