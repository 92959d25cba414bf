"""The resources tests run on are provisioned from the stack model, and the model is sound."""

from __future__ import annotations

import importlib

import boto3
import pytest
from infra import STACK


def test_table_matches_the_model(stack) -> None:
    table = boto3.client("dynamodb", region_name="us-east-1").describe_table(TableName=stack.table_name)["Table"]
    keys = {k["AttributeName"]: k["KeyType"] for k in table["KeySchema"]}
    assert keys == {STACK.table.partition_key.name: "HASH", STACK.table.sort_key.name: "RANGE"}
    indexes = {i["IndexName"] for i in table.get("GlobalSecondaryIndexes", [])}
    assert indexes == {i.name for i in STACK.table.global_secondary_indexes}
    ttl = boto3.client("dynamodb", region_name="us-east-1").describe_time_to_live(TableName=stack.table_name)
    assert ttl["TimeToLiveDescription"]["AttributeName"] == STACK.table.ttl_attribute


def test_every_function_has_an_importable_handler() -> None:
    for function in STACK.functions:
        module = importlib.import_module(function.module)
        assert callable(getattr(module, function.entry_point)), function.name


def test_routes_are_served_by_one_function_each() -> None:
    seen = [(r.method, r.path) for r, _ in STACK.rest_routes()]
    assert len(seen) == len(set(seen))


def test_unknown_function_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="auth"):
        STACK.function("nope")
