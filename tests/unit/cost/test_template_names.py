"""The projection reads the metrics of resources named the way the template names them.

Names come from the template itself (synthesized here) and from ``infra.template.names``,
never retyped, so a rename in the template cannot silently drop a service from the bill.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from infra import STACK
from infra.template import names, synthesize

from ops.cost.catalogue import GAUGES
from ops.cost.metrics_export import COLUMNS, read_metrics
from ops.cost.observed import observe
from ops.cost.projection import ProjectionOptions, project
from ops.cost.rates import per_user_rates
from ops.cost.series import summarise
from ops.cost.user_tiers import UserTier

T0 = "2026-01-01T00:00:00Z"
W = 262800  # 73 hours: a month is 10 windows; with 100 active users a user's month is 0.1 window


@pytest.fixture(params=["dev", "prod"])
def template(request):
    return request.param, synthesize(STACK, request.param)


def _export(tmp_path, stage, rest_api_name, table_name):
    chat = names.function_name(STACK, stage, STACK.function("chat"))
    rows = [
        f"{T0},AWS/Lambda,Invocations,FunctionName={chat},Sum,10000,{W}",
        f"{T0},AWS/ApiGateway,Count,ApiName={rest_api_name};Stage={STACK.rest_api.stage},Sum,100000,{W}",
        f"{T0},AWS/DynamoDB,ConsumedWriteCapacityUnits,TableName={table_name},Sum,20000,{W}",
        f"{T0},AWS/DynamoDB,ConsumedWriteCapacityUnits,GlobalSecondaryIndexName=GSI1;TableName={table_name},"
        f"Sum,5000,{W}",
        f"{T0},ChatPlatform,ActiveUsers,service=auth,Maximum,100,{W}",
    ]
    path = tmp_path / "metrics.csv"
    path.write_text("\n".join([",".join(COLUMNS), *rows]) + "\n")
    return path


def _resource(template, resource_type):
    (resource,) = [r for r in template["Resources"].values() if r["Type"] == resource_type]
    return resource["Properties"]


def test_rest_requests_and_pitr_are_priced_for_the_names_the_template_gives(template, tmp_path, sheet):
    stage, body = template
    rest_name = _resource(body, "AWS::ApiGateway::RestApi")["Name"]
    table = _resource(body, "AWS::DynamoDB::Table")
    assert rest_name == names.rest_api_name(STACK, stage)
    pitr = table["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"]
    assert pitr is STACK.table.point_in_time_recovery is True

    summary = summarise(read_metrics(_export(tmp_path, stage, rest_name, table["TableName"])), GAUGES)
    rates = per_user_rates(observe(summary, STACK))
    options = ProjectionOptions(months_of_data=12, free_tier="none", point_in_time_recovery=pitr)
    bill = project(rates, STACK, [UserTier("t", 1000)], sheet, options).tiers[0].bill
    lines = {line.meter: line for _, line in bill.lines()}

    # REST: 100,000 x 0.1 = 10,000 a user-month, x 1,000 users = 10M x $3.50/M
    assert lines["apigateway.rest_requests"].quantity == pytest.approx(Decimal(10_000_000))
    assert lines["apigateway.rest_requests"].cost == Decimal("35.00")
    # Storage counts table and GSI writes (25,000 WU x 1 KB); PITR only the table's (20,000 WU).
    per_user_table_gb = 20000 * 0.1 * 1024 / 1024**3
    per_user_all_gb = 25000 * 0.1 * 1024 / 1024**3
    assert float(lines["dynamodb.pitr_storage_gb"].quantity) == pytest.approx(per_user_table_gb * 1000 * 12)
    assert float(lines["dynamodb.storage_gb"].quantity) == pytest.approx(per_user_all_gb * 1000 * 12)
    # 22.89 GB x $0.20
    assert lines["dynamodb.pitr_storage_gb"].cost == Decimal("4.58")


def test_another_stacks_rest_api_is_not_counted(tmp_path, sheet):
    other = names.rest_api_name(STACK, "dev").replace(STACK.name, "other-app")
    summary = summarise(read_metrics(_export(tmp_path, "dev", other, names.table_name(STACK, "dev"))), GAUGES)
    assert observe(summary, STACK).rest_requests == 0
