"""Write examples/metrics/free-tier-day.csv: the free tier's usage file as one day of CloudWatch
metrics, in the export format `ops cost project --metrics` reads.

The day is examples/usage/free.yaml scaled to USERS active users and spread over 24 hourly
datapoints by a fixed daily curve (quiet nights, evening peak), named the way the dev stage's
template names things (`chat-platform-dev-chat`, `chat-platform-dev-rest`...). The canary's
traffic is left out: `ops cost project` adds the canary to every tier itself. Deterministic:
no clock, no randomness; `tests/integration/test_examples.py` regenerates it and compares.

    .venv/bin/python examples/metrics/generate.py        # rewrites the CSV next to this file
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml
from infra import STACK
from infra.template import names

HERE = Path(__file__).resolve().parent
USAGE = HERE.parent / "usage" / "free.yaml"
OUTPUT = HERE / "free-tier-day.csv"
STAGE = "dev"
USERS = 100  # active users behind the day: pass `--active-users 100` to `ops cost project`
START = datetime(2026, 11, 2, tzinfo=UTC)  # a Monday
PERIOD = 3600
WEBSOCKET_API_ID = "a1b2c3d4e5"  # WebSocket metrics carry only the API id; any id counts
CANARY_RUNS_A_MONTH = 43_800  # one a minute: left out, the projection adds it
# Share of the day's traffic in each hour (UTC): quiet nights, a lunchtime bump, an evening peak.
CURVE = (1, 1, 1, 1, 1, 2, 3, 4, 5, 5, 5, 6, 6, 5, 5, 5, 6, 7, 8, 8, 7, 5, 3, 2)
DAYS_A_MONTH = 30  # the usage file's month


def _rows() -> list[list[str]]:
    usage = yaml.safe_load(USAGE.read_text())
    users = usage["cognito"]["monthly_active_users"]
    scale = USERS / users / DAYS_A_MONTH  # from the tier's month to USERS' day
    functions = {entry["name"]: entry for entry in usage["lambda"] if entry["name"] != "canary"}
    series: list[tuple[str, str, dict[str, str], float]] = []  # namespace, metric, dimensions, day total
    for name, entry in functions.items():
        physical = names.function_name(STACK, STAGE, STACK.function(name))
        invocations = entry["requests"] * scale
        series.append(("AWS/Lambda", "Invocations", {"FunctionName": physical}, invocations))
        series.append(("AWS/Lambda", "Duration", {"FunctionName": physical}, invocations * entry["duration_ms"]))
    invocations_total = sum(entry["requests"] for entry in functions.values())
    logs_bytes = usage["cloudwatch"]["logs_ingested_gb"] * 1024**3
    for name, entry in functions.items():
        group = f"/aws/lambda/{names.function_name(STACK, STAGE, STACK.function(name))}"
        share = entry["requests"] / invocations_total
        series.append(("AWS/Logs", "IncomingBytes", {"LogGroupName": group}, logs_bytes * share * scale))
    api = usage["apigateway"]
    rest = {"ApiName": names.rest_api_name(STACK, STAGE), "Stage": STACK.rest_api.stage}
    series.append(("AWS/ApiGateway", "Count", rest, (api["rest_requests"] - CANARY_RUNS_A_MONTH) * scale))
    socket = {"ApiId": WEBSOCKET_API_ID, "Stage": STACK.websocket_api.stage}
    series.append(("AWS/ApiGateway", "MessageCount", socket, api["websocket_messages"] * scale))
    app = STACK.metrics_namespace
    minutes = api["websocket_connection_minutes"] * scale
    series.append((app, "ConnectionMinutes", {"service": "websocket"}, minutes))
    table = {"TableName": names.table_name(STACK, STAGE)}
    dynamodb = usage["dynamodb"]
    series.append(("AWS/DynamoDB", "ConsumedWriteCapacityUnits", table, dynamodb["write_request_units"] * scale))
    series.append(("AWS/DynamoDB", "ConsumedReadCapacityUnits", table, dynamodb["read_request_units"] * scale))
    # Storage in the usage file is month 12's: a month adds a twelfth of it.
    stored = dynamodb["storage_gb"] * 1024**3 / 12
    series.append((app, "StoredBytes", {"service": "chat"}, stored * scale))
    s3 = usage["s3"]
    bucket = {"BucketName": f"chat-platform-{STAGE}-{STACK.bucket.logical_name.lower()}", "FilterName": "EntireBucket"}
    series.append(("AWS/S3", "PutRequests", bucket, s3["put_requests"] * scale))
    series.append(("AWS/S3", "GetRequests", bucket, s3["get_requests"] * scale))
    series.append((app, "UploadBytesRequested", {"service": "uploads"}, s3["storage_gb"] * 1024**3 / 12 * scale))

    weight = sum(CURVE)
    rows: list[list[str]] = []
    for hour, share in enumerate(CURVE):
        stamp = (START + timedelta(hours=hour)).isoformat()
        for namespace, metric, dimensions, total in series:
            dims = ";".join(f"{key}={dimensions[key]}" for key in sorted(dimensions))
            rows.append([stamp, namespace, metric, dims, "Sum", f"{total * share / weight:.3f}", str(PERIOD)])
    return rows


def render() -> str:
    """The CSV text (header and rows)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["timestamp", "namespace", "metric", "dimensions", "statistic", "value", "period"])
    writer.writerows(_rows())
    return out.getvalue()


if __name__ == "__main__":
    OUTPUT.write_text(render())
    print(f"wrote {OUTPUT}")
