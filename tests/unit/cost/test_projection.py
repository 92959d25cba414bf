"""`ops cost project` from a synthetic export whose answer is computed by hand below."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal

import pytest
from infra import STACK
from infra.model import Function

from kit.usage import SchedulerUsage, Usage
from ops.cost.catalogue import GAUGES
from ops.cost.cli import app
from ops.cost.fixed_costs import FixedUsage, observability_usage
from ops.cost.metrics_export import COLUMNS, read_metrics
from ops.cost.observed import observe
from ops.cost.projection import ProjectionOptions, project
from ops.cost.rates import per_user_rates
from ops.cost.series import summarise
from ops.cost.user_tiers import UserTier

# A stack of two functions with sizes of our own, so the answer does not move when the real
# stack model's functions change; table, bucket and APIs are the real model's.
TEST_STACK = dataclasses.replace(
    STACK,
    functions=(
        Function(name="api", handler="h.api.handler", description="REST", memory_mb=1024, architecture="x86_64"),
        Function(name="ws", handler="h.ws.handler", description="WebSocket", memory_mb=512, architecture="arm64"),
    ),
)

# Every row covers one 73-hour period (262,800 s) from 2026-01-01T00:00Z, so a month (730 h) is
# 10 windows; with 100 active users, one user's month is 10 / 100 = 0.1 of a window's total.
T0 = "2026-01-01T00:00:00Z"
W = 262800
ROWS = [
    f"{T0},AWS/Lambda,Invocations,FunctionName=chat-platform-api,Sum,10000,{W}",
    f"{T0},AWS/Lambda,Duration,FunctionName=chat-platform-api,Sum,1000000,{W}",  # mean 100 ms
    f"{T0},AWS/Lambda,Invocations,FunctionName=chat-platform-ws,Sum,20200,{W}",
    f"{T0},AWS/Lambda,Duration,FunctionName=chat-platform-ws,Sum,1010000,{W}",  # mean 50 ms
    f"{T0},ChatPlatform,WarmupPings,service=ws,Sum,200,{W}",  # 20,200 - 200 pings = 20,000 user calls
    f"{T0},AWS/Lambda,Invocations,FunctionName=another-stack-fn,Sum,999999,{W}",  # not ours: ignored
    f"{T0},AWS/Lambda,Invocations,,Sum,888888,{W}",  # account-wide aggregate: ignored
    f"{T0},AWS/ApiGateway,Count,ApiName=chat-platform-RestApi;Stage=v1,Sum,10000,{W}",
    f"{T0},AWS/ApiGateway,Count,ApiName=chat-platform-RestApi;Method=GET;Resource=/me;Stage=v1,Sum,4000,{W}",
    f"{T0},AWS/ApiGateway,MessageCount,ApiId=abc123;Stage=v1,Sum,40000,{W}",
    f"{T0},AWS/ApiGateway,ConnectCount,ApiId=abc123;Stage=v1,Sum,1000,{W}",
    f"{T0},ChatPlatform,ConnectionMinutes,service=ws,Sum,30000,{W}",
    f"{T0},AWS/DynamoDB,ConsumedWriteCapacityUnits,TableName=chat-platform-chattable,Sum,20000,{W}",
    f"{T0},AWS/DynamoDB,ConsumedWriteCapacityUnits,GlobalSecondaryIndexName=GSI1;TableName=chat-platform-chattable,Sum,5000,{W}",
    f"{T0},AWS/DynamoDB,ConsumedReadCapacityUnits,TableName=chat-platform-chattable,Sum,60000,{W}",
    # bucket size: 0 at 00:00 and 0.72 GiB at 72:00 -> 0.01 GiB an hour -> 0.73 GiB over the window
    f"{T0},AWS/S3,BucketSizeBytes,BucketName=chat-platform-mediabucket;StorageType=StandardStorage,Average,0,3600",
    "2026-01-04T00:00:00Z,AWS/S3,BucketSizeBytes,BucketName=chat-platform-mediabucket;"
    "StorageType=StandardStorage,Average,773094113.28,3600",
    f"{T0},AWS/S3,PutRequests,BucketName=chat-platform-mediabucket;FilterName=EntireBucket,Sum,1000,{W}",
    f"{T0},AWS/S3,PutRequests,BucketName=chat-platform-mediabucket;FilterName=recordings,Sum,100,{W}",
    f"{T0},AWS/S3,GetRequests,BucketName=chat-platform-mediabucket;FilterName=EntireBucket,Sum,5000,{W}",
    f"{T0},AWS/S3,BytesDownloaded,BucketName=chat-platform-mediabucket;FilterName=EntireBucket,Sum,10737418240,{W}",
    f"{T0},AWS/Logs,IncomingBytes,LogGroupName=/aws/lambda/chat-platform-api,Sum,214748364.8,{W}",  # 0.2 GiB
    f"{T0},ChatPlatform,ActiveUsers,service=auth,Maximum,100,{W}",
    f"{T0},ChatPlatform,MessagesSent,service=chat,Sum,5000,{W}",
    f"{T0},ChatPlatform,MessagesSent,function_name=chat;service=chat,Sum,5000,{W}",
]
# Custom metrics: WarmupPings, ConnectionMinutes, ActiveUsers, MessagesSent x 2 dimension sets = 5


@pytest.fixture
def export(tmp_path):
    path = tmp_path / "metrics.csv"
    path.write_text("\n".join([",".join(COLUMNS), *ROWS]) + "\n")
    return path


def projected(export, sheet, tiers, free_tier="none", fixed=None):
    observed = observe(summarise(read_metrics(export), GAUGES), TEST_STACK)
    rates = per_user_rates(observed)
    if fixed is None:
        fixed = [observability_usage(observed.custom_metrics, dashboards=4, alarms=16)]
    options = ProjectionOptions(months_of_data=12, free_tier=free_tier)
    return observed, rates, project(rates, TEST_STACK, tiers, sheet, options, fixed)


def test_per_user_rates(export, sheet):
    observed, rates, _ = projected(export, sheet, [UserTier("small", 1000)])

    assert observed.window_hours == 73
    assert observed.custom_metrics == 5
    assert rates.active_users == 100
    assert rates.functions["api"].requests == pytest.approx(1000)  # 10,000 x 0.1
    assert rates.functions["api"].duration_ms == pytest.approx(100)
    assert rates.functions["ws"].requests == pytest.approx(2000)  # (20,200 - 200) x 0.1
    assert rates.functions["ws"].duration_ms == pytest.approx(50)  # 1,010,000 / 20,200
    assert rates.rest_requests == pytest.approx(1000)  # stage-level series only
    assert rates.websocket_messages == pytest.approx(4000)
    assert rates.websocket_connection_minutes == pytest.approx(3000)
    assert rates.dynamodb_write_units == pytest.approx(2500)  # (20,000 + 5,000 on the GSI) x 0.1
    assert rates.dynamodb_read_units == pytest.approx(6000)
    assert rates.dynamodb_growth_gb == pytest.approx(2500 * 1024 / 1024**3)
    assert rates.s3_growth_gb == pytest.approx(0.073)  # 0.73 GiB x 0.1
    assert rates.s3_put_requests == pytest.approx(100)  # the whole-bucket filter
    assert rates.s3_get_requests == pytest.approx(500)
    assert rates.data_transfer_out_gb == pytest.approx(1.0)  # 10 GiB x 0.1
    assert rates.logs_ingested_gb == pytest.approx(0.02)  # 0.2 GiB x 0.1


def test_hand_computed_tier_of_1000_users_without_free_tier(export, sheet):
    _, _, projection = projected(export, sheet, [UserTier("small", 1000)])
    bill = projection.tiers[0].bill
    costs = {name: service.cost for name, service in bill.services.items()}

    # lambda: api 1,000,000 req x 0.1 s x 1 GB = 100,000 GB-s x 0.0000166667 = 1.67 ;
    #         ws 2,000,000 x 0.05 s x 0.5 GB = 50,000 GB-s arm x 0.0000133334 = 0.67 ;
    #         requests 3,000,000 x 0.0000002 = 0.60                                         -> 2.94
    assert costs["lambda"] == Decimal("2.94")
    # apigateway: REST 1,000,000 x 3.5/M = 3.50 ; messages 4,000,000 x 1/M = 4.00 ;
    #             minutes 3,000,000 x 0.25/M = 0.75                                          -> 8.25
    assert costs["apigateway"] == Decimal("8.25")
    # dynamodb: WRU 2,500,000 x 0.625/M = 1.5625 -> 1.56 ; RRU 6,000,000 x 0.125/M = 0.75 ;
    #           storage 0.00238418579 GB x 1,000 users x 12 months = 28.61 GB x 0.25 = 7.15 -> 9.46
    assert costs["dynamodb"] == Decimal("9.46")
    # s3: storage 0.073 x 1,000 x 12 = 876 GB x 0.023 = 20.148 -> 20.15 ; PUT 100,000 x 0.005/1000 = 0.50 ;
    #     GET 500,000 x 0.0004/1000 = 0.20                                                   -> 20.85
    assert costs["s3"] == Decimal("20.85")
    # cognito: 1,000 MAU x 0.015 (Essentials, no free tier in mode none)                     -> 15.00
    assert costs["cognito"] == Decimal("15.00")
    # cloudwatch: logs 0.02 x 1,000 = 20 GB x 0.50 = 10.00 ; stored 20 x 720/730 = 19.726 GB x 0.03 = 0.59 ;
    #             5 custom metrics x 0.30 = 1.50 ; 4 dashboards x 3 = 12.00 ; 16 alarms x 0.10 = 1.60 -> 25.69
    assert costs["cloudwatch"] == Decimal("25.69")
    # xray: both functions under the 1-a-second reservoir (2,628,000 a month): 3,000,000 traces x 5/M -> 15.00
    assert costs["xray"] == Decimal("15.00")
    # data transfer: 1 GB x 1,000 = 1,000 GB x 0.09                                          -> 90.00
    assert costs["data_transfer_out_gb"] == Decimal("90.00")
    # 2.94 + 8.25 + 9.46 + 20.85 + 15.00 + 25.69 + 15.00 + 90.00
    assert bill.total == Decimal("187.19")


def test_usage_grows_with_users_but_fixed_costs_do_not(export, sheet):
    _, _, projection = projected(export, sheet, [UserTier("a", 1000), UserTier("b", 3000)])
    a, b = projection.tiers

    assert b.usage.cognito.monthly_active_users == 3 * a.usage.cognito.monthly_active_users
    assert b.usage.apigateway.rest_requests == pytest.approx(3 * a.usage.apigateway.rest_requests)
    assert b.usage.cloudwatch.dashboards == a.usage.cloudwatch.dashboards == 4
    assert b.usage.cloudwatch.custom_metrics == a.usage.cloudwatch.custom_metrics == 5


def test_sampling_caps_traces_past_the_reservoir(export, sheet):
    # 10,000 users: api 10,000,000 requests -> 2,628,000 + 5% x 7,372,000 = 2,996,600 traces ;
    # ws 20,000,000 -> 2,628,000 + 5% x 17,372,000 = 3,496,600 ; total 6,493,200
    _, _, projection = projected(export, sheet, [UserTier("big", 10_000)])

    assert projection.tiers[0].usage.xray.traces_recorded == pytest.approx(6_493_200)


def test_memory_and_architecture_come_from_the_stack_model(export, sheet):
    _, _, projection = projected(export, sheet, [UserTier("small", 1000)])
    functions = {f.name: f for f in projection.tiers[0].usage.lambda_}

    assert set(functions) == {"api", "ws"}
    assert (functions["api"].memory_mb, functions["api"].architecture) == (1024, "x86_64")
    assert (functions["ws"].memory_mb, functions["ws"].architecture) == (512, "arm64")


def test_a_fixed_cost_line_is_added_to_every_tier(export, sheet):
    # What the warm-up policy will plug in: 20M scheduler invocations - 14M free = 6M x 1/M = 6.00
    warmup = FixedUsage("warm-up pings", Usage(scheduler=SchedulerUsage(invocations=20_000_000)))
    _, _, projection = projected(export, sheet, [UserTier("a", 1000), UserTier("b", 5000)], "always", [warmup])

    for tier in projection.tiers:
        assert tier.bill.services["scheduler"].cost == Decimal("6.00")
    assert [f.label for f in projection.fixed] == ["warm-up pings"]


def test_budgets_and_published_ranges(export, sheet):
    observed = observe(summarise(read_metrics(export), GAUGES), TEST_STACK)
    rates = per_user_rates(observed)
    tiers = [UserTier("free", 10), UserTier("medium", 1000)]
    projection = project(
        rates, TEST_STACK, tiers, sheet, ProjectionOptions(free_tier="none"), budgets={"medium": Decimal(150)}
    )
    free, medium = projection.tiers

    assert free.published_range == (Decimal(1), Decimal(5))
    assert medium.total > 150
    assert medium.verdict == "above"
    assert [t.tier.name for t in projection.over_budget] == ["medium"]
    assert not free.over_budget


def test_no_active_users_is_an_error(tmp_path, sheet):
    path = tmp_path / "m.csv"
    path.write_text("\n".join([",".join(COLUMNS), ROWS[0]]) + "\n")
    observed = observe(summarise(read_metrics(path), GAUGES), TEST_STACK)

    with pytest.raises(ValueError, match="no active users: pass --active-users N"):
        per_user_rates(observed)
    assert per_user_rates(observed, active_users=50).functions["api"].requests == pytest.approx(10_000 * 10 / 50)


def test_cli_projects_every_function_of_the_real_stack_model(runner, export):
    result = runner.invoke(app, ["project", "--metrics", str(export), "--active-users", "100", "--format", "json"])

    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert [t["name"] for t in document["tiers"]] == ["free", "light", "medium"]
    assert [t["users"] for t in document["tiers"]] == [1000, 5000, 10000]
    assert set(document["per_user_monthly"]["functions"]) == {f.name for f in STACK.functions}
    assert document["tiers"][0]["published_range"] == {"low": 1.0, "high": 5.0}
    assert document["tiers"][0]["verdict"] in {"below", "within", "above"}
    assert document["tiers"][0]["top_drivers"]


def test_cli_budget_gate_exits_1_after_the_report(runner, export):
    result = runner.invoke(
        app, ["project", "--metrics", str(export), "--active-users", "100", "--budget", "medium=1", "-f", "markdown"]
    )

    assert result.exit_code == 1
    assert "## Projected monthly AWS cost per user tier" in result.stdout
    assert "over budget: medium costs $" in result.stderr


def test_cli_within_budget_exits_0(runner, export):
    result = runner.invoke(app, ["project", "--metrics", str(export), "--budget", "medium=100000,free=100000"])

    assert result.exit_code == 0, result.stderr
    assert "published range" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "give exactly one source of metrics"),
        (["--cloudwatch", "--metrics", "x.csv"], "give exactly one source of metrics"),
        (["--metrics", "{export}", "--tiers", "free=many"], "--tiers: free: users must be a whole number"),
        (["--metrics", "{export}", "--tiers", "free"], "--tiers: 'free' is not NAME=VALUE"),
        (["--metrics", "{export}", "--budget", "huge=10"], "--budget: no tier 'huge'"),
        (["--metrics", "{export}", "--budget", "medium=lots"], "--budget: medium: amount must be a number"),
        (["--metrics", "{export}", "--active-users", "0"], "--active-users: must be a positive number"),
        (["--metrics", "missing.parquet"], "no such file"),
    ],
)
def test_cli_bad_options_exit_2_without_a_report(runner, export, args, message):
    args = [arg.replace("{export}", str(export)) for arg in args]

    result = runner.invoke(app, ["project", *args])

    assert result.exit_code == 2
    assert result.stdout == ""
    assert message in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("fmt", ["table", "csv", "markdown", "html"])
def test_cli_every_format(runner, export, fmt):
    result = runner.invoke(app, ["project", "--metrics", str(export), "--format", fmt])

    assert result.exit_code == 0, result.stderr
    assert "medium" in result.stdout


WARMUP_POLICY = """\
functions:
  chat:
    method: ping
    concurrency: 1
    interval_minutes: 5
    windows: [always]
"""


def test_cli_adds_the_warmup_policy_to_every_tier(runner, export, tmp_path):
    # always warm, one ping every 5 minutes: 730 h x 60 / 5 = 8,760 pings a month, each one Scheduler
    # invocation and one Lambda request, in every tier whatever its users
    (tmp_path / "warmup.yaml").write_text(WARMUP_POLICY)

    with_policy = runner.invoke(app, ["project", "--metrics", str(export), "-f", "json", "--free-tier", "none"])
    without = runner.invoke(
        app, ["project", "--metrics", str(export), "-f", "json", "--free-tier", "none", "--no-warmup"]
    )

    assert with_policy.exit_code == 0, with_policy.stderr
    document = json.loads(with_policy.stdout)
    assert any(label.startswith("warm-up of chat (ping") for label in document["fixed"])
    # The canary's schedule (rate(1 minute): 43,800 a month) is there with or without warm-up.
    for tier in document["tiers"]:
        (invocations,) = tier["services"]["scheduler"]["lines"]
        assert invocations["quantity"] == pytest.approx(8760 + 43_800)
    (canary_only,) = json.loads(without.stdout)["tiers"][0]["services"]["scheduler"]["lines"]
    assert canary_only["quantity"] == pytest.approx(43_800)


def test_cli_projects_a_snapstart_policy_with_its_cache_and_restores(runner, export, tmp_path):
    policy = tmp_path / "snapstart.yaml"
    policy.write_text("functions:\n  chat: {method: snapstart}\n")

    result = runner.invoke(
        app, ["project", "--metrics", str(export), "-f", "json", "--free-tier", "none", "--warmup-policy", str(policy)]
    )

    assert result.exit_code == 0, result.stderr
    for tier in json.loads(result.stdout)["tiers"]:
        lines = {line["item"]: line for line in tier["services"]["lambda"]["lines"]}
        # The chat function's memory cached all month, one restore an hour.
        gb = STACK.function("chat").memory_mb / 1024
        assert lines["SnapStart snapshot cache"]["quantity"] == pytest.approx(730 * 3600 * gb)
        assert lines["SnapStart restore"]["quantity"] == pytest.approx(730 * gb)


def test_cli_reports_an_invalid_warmup_policy(runner, export, tmp_path):
    policy = tmp_path / "policy.yaml"
    policy.write_text("functions:\n  nosuchfunction: {method: ping, windows: [always]}\n")

    result = runner.invoke(app, ["project", "--metrics", str(export), "--warmup-policy", str(policy)])

    assert result.exit_code == 2
    assert result.stdout == ""
    assert "--warmup-policy:" in result.stderr
    assert "nosuchfunction" in result.stderr


def test_duration_from_average_and_sample_count_when_there_is_no_sum(tmp_path, sheet):
    # Average 80 ms and 120 ms over two hours (mean 100 ms) x 1,000 + 1,000 invocations = 200,000 ms
    rows = [
        f"{T0},AWS/Lambda,Invocations,FunctionName=chat-platform-api,Sum,2000,7200",
        f"{T0},AWS/Lambda,Duration,FunctionName=chat-platform-api,Average,80,3600",
        "2026-01-01T01:00:00Z,AWS/Lambda,Duration,FunctionName=chat-platform-api,Average,120,3600",
        f"{T0},AWS/Lambda,Duration,FunctionName=chat-platform-api,SampleCount,1000,3600",
        "2026-01-01T01:00:00Z,AWS/Lambda,Duration,FunctionName=chat-platform-api,SampleCount,1000,3600",
    ]
    path = tmp_path / "m.csv"
    path.write_text("\n".join([",".join(COLUMNS), *rows]) + "\n")

    observed = observe(summarise(read_metrics(path), GAUGES), TEST_STACK)

    assert observed.functions["api"].duration_ms == pytest.approx(200_000)
    assert observed.functions["api"].average_duration_ms == pytest.approx(100)


def test_storage_from_measured_bytes_and_upload_sizes_when_the_app_publishes_them(tmp_path, sheet):
    rows = [
        f"{T0},AWS/DynamoDB,ConsumedWriteCapacityUnits,TableName=chat-platform-chattable,Sum,20000,{W}",
        f"{T0},ChatPlatform,StoredBytes,service=chat,Sum,{1024**3},{W}",  # 1 GiB written to the table
        f"{T0},ChatPlatform,IndexedBytes,service=chat,Sum,{1024**3 / 4},{W}",
        f"{T0},ChatPlatform,UploadBytesRequested,service=chat,Sum,{2 * 1024**3},{W}",
        f"{T0},ChatPlatform,ActiveUsers,service=auth,Maximum,100,{W}",
    ]
    path = tmp_path / "bytes.csv"
    path.write_text("\n".join([",".join(COLUMNS), *rows]) + "\n")
    rates = per_user_rates(observe(summarise(read_metrics(path), GAUGES), TEST_STACK))

    assert rates.dynamodb_table_growth_gb == pytest.approx(0.1)  # 1 GiB x 0.1, not the write units' 1 KB
    assert rates.dynamodb_growth_gb == pytest.approx(0.125)
    assert rates.s3_growth_gb == pytest.approx(0.2)
    assert any("UploadBytesRequested" in note or "uploads declared" in note for note in rates.notes)
    assert not any("StoredBytes" in note for note in rates.notes)
