"""The embedded AWS's moto patches keep DynamoDB's answers: transactions are all or nothing
(a failed one puts back exactly what it touched and nothing that others wrote meanwhile),
queries return what a scan of the table would, and the process serves every service over
connections that stay open between calls."""

from __future__ import annotations

import http.client
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest
from botocore.exceptions import ClientError

from ops.local.embedded_aws import EmbeddedAws

TABLE = "speedups"


@pytest.fixture(scope="module")
def dynamodb() -> Iterator[Any]:
    aws = EmbeddedAws()
    aws.start()
    try:
        client = boto3.client(
            "dynamodb",
            endpoint_url=aws.endpoint_url,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        client.create_table(
            TableName=TABLE,
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"},
                {"AttributeName": "g", "AttributeType": "S"},
            ],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            GlobalSecondaryIndexes=[
                {
                    "IndexName": "byG",
                    "KeySchema": [
                        {"AttributeName": "g", "KeyType": "HASH"},
                        {"AttributeName": "sk", "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "ALL"},
                }
            ],
        )
        yield client
    finally:
        aws.stop()


def _key(pk: str, sk: str) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def _get(client: Any, pk: str, sk: str) -> dict[str, Any] | None:
    return client.get_item(TableName=TABLE, Key=_key(pk, sk), ConsistentRead=True).get("Item")


def test_failed_transaction_puts_back_every_item_it_touched(dynamodb: Any) -> None:
    dynamodb.put_item(TableName=TABLE, Item={**_key("t1", "a"), "n": {"N": "1"}})
    dynamodb.put_item(TableName=TABLE, Item={**_key("t1", "b"), "n": {"N": "5"}})
    with pytest.raises(ClientError) as refused:
        dynamodb.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": TABLE, "Item": {**_key("t1", "a"), "n": {"N": "2"}}}},  # overwrite
                {"Put": {"TableName": TABLE, "Item": {**_key("t1", "new"), "n": {"N": "9"}}}},  # create
                {
                    "Update": {
                        "TableName": TABLE,
                        "Key": _key("t1", "b"),
                        "UpdateExpression": "SET n = n + :one",
                        "ExpressionAttributeValues": {":one": {"N": "1"}},
                    }
                },
                {
                    "ConditionCheck": {
                        "TableName": TABLE,
                        "Key": _key("t1", "missing"),
                        "ConditionExpression": "attribute_exists(pk)",
                    }
                },
            ]
        )
    assert refused.value.response["Error"]["Code"] == "TransactionCanceledException"
    reasons = [r["Code"] for r in refused.value.response["CancellationReasons"]]
    assert reasons == ["None", "None", "None", "ConditionalCheckFailed"]
    assert _get(dynamodb, "t1", "a") == {**_key("t1", "a"), "n": {"N": "1"}}
    assert _get(dynamodb, "t1", "b") == {**_key("t1", "b"), "n": {"N": "5"}}
    assert _get(dynamodb, "t1", "new") is None
    assert _get(dynamodb, "t1", "missing") is None
    page = dynamodb.query(
        TableName=TABLE, KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "t1"}}
    )
    assert [item["sk"]["S"] for item in page["Items"]] == ["a", "b"]


def test_successful_transaction_writes_everything(dynamodb: Any) -> None:
    dynamodb.transact_write_items(
        TransactItems=[
            {"Put": {"TableName": TABLE, "Item": {**_key("t2", "x"), "g": {"S": "G2"}}}},
            {"Put": {"TableName": TABLE, "Item": {**_key("t2", "y"), "g": {"S": "G2"}}}},
        ]
    )
    by_index = dynamodb.query(
        TableName=TABLE,
        IndexName="byG",
        KeyConditionExpression="g = :g",
        ExpressionAttributeValues={":g": {"S": "G2"}},
    )
    assert [item["sk"]["S"] for item in by_index["Items"]] == ["x", "y"]


def test_one_item_twice_in_a_transaction_is_refused_and_changes_nothing(dynamodb: Any) -> None:
    dynamodb.put_item(TableName=TABLE, Item={**_key("t3", "a"), "n": {"N": "1"}})
    with pytest.raises(ClientError) as refused:
        dynamodb.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": TABLE, "Item": {**_key("t3", "a"), "n": {"N": "2"}}}},
                {"Delete": {"TableName": TABLE, "Key": _key("t3", "a")}},
            ]
        )
    assert refused.value.response["Error"]["Code"] == "ValidationException"
    assert _get(dynamodb, "t3", "a") == {**_key("t3", "a"), "n": {"N": "1"}}


def test_rollback_keeps_what_other_requests_wrote_meanwhile(dynamodb: Any) -> None:
    dynamodb.put_item(TableName=TABLE, Item=_key("t4", "guard"))
    stop = threading.Event()

    def failing_transactions() -> None:
        while not stop.is_set():
            with pytest.raises(ClientError):
                dynamodb.transact_write_items(
                    TransactItems=[
                        {"Put": {"TableName": TABLE, "Item": _key("t4", "tmp")}},
                        {
                            "Put": {
                                "TableName": TABLE,
                                "Item": _key("t4", "guard"),
                                "ConditionExpression": "attribute_not_exists(pk)",
                            }
                        },
                    ]
                )

    worker = threading.Thread(target=failing_transactions)
    worker.start()
    try:
        for i in range(150):
            dynamodb.put_item(TableName=TABLE, Item=_key("t4", f"w{i:03d}"))
    finally:
        stop.set()
        worker.join()
    page = dynamodb.query(
        TableName=TABLE, KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "t4"}}
    )
    keys = [item["sk"]["S"] for item in page["Items"]]
    assert keys == ["guard", *(f"w{i:03d}" for i in range(150))]  # nothing lost, no "tmp"


def test_query_on_a_partition_matches_a_filtered_scan(dynamodb: Any) -> None:
    for pk in ("q1", "q2"):
        for sk in ("c", "a", "b"):
            dynamodb.put_item(TableName=TABLE, Item=_key(pk, sk))
    page = dynamodb.query(
        TableName=TABLE,
        KeyConditionExpression="pk = :p AND sk > :s",
        ExpressionAttributeValues={":p": {"S": "q2"}, ":s": {"S": "a"}},
        ScanIndexForward=False,
        Limit=1,
    )
    assert [item["sk"]["S"] for item in page["Items"]] == ["c"]
    assert page["LastEvaluatedKey"] == _key("q2", "c")
    scan = dynamodb.scan(TableName=TABLE, FilterExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "q2"}})
    assert sorted(item["sk"]["S"] for item in scan["Items"]) == ["a", "b", "c"]


def test_one_update_expression_text_with_different_values_each_time(dynamodb: Any) -> None:
    for value in ("first", "second"):
        dynamodb.update_item(
            TableName=TABLE,
            Key=_key("t5", "a"),
            UpdateExpression="SET v = :v ADD n :one",
            ExpressionAttributeValues={":v": {"S": value}, ":one": {"N": "1"}},
        )
    assert _get(dynamodb, "t5", "a") == {**_key("t5", "a"), "v": {"S": "second"}, "n": {"N": "2"}}
    with pytest.raises(ClientError) as refused:  # a bad expression is still refused every time
        dynamodb.update_item(TableName=TABLE, Key=_key("t5", "a"), UpdateExpression="SET = :v")
    assert refused.value.response["Error"]["Code"] == "ValidationException"


def test_one_condition_text_with_different_values_each_time(dynamodb: Any) -> None:
    dynamodb.put_item(TableName=TABLE, Item={**_key("t6", "a"), "n": {"N": "5"}})
    outcomes = []
    for limit in ("9", "3", "9", "5"):
        try:
            dynamodb.update_item(
                TableName=TABLE,
                Key=_key("t6", "a"),
                UpdateExpression="SET seen = :limit",
                ConditionExpression="n < :limit",
                ExpressionAttributeValues={":limit": {"N": limit}},
            )
            outcomes.append(True)
        except ClientError as refused:
            outcomes.append(refused.response["Error"]["Code"])
    assert outcomes == [True, "ConditionalCheckFailedException", True, "ConditionalCheckFailedException"]
    # an undefined value is still refused (moto 5.2 answers 500 here, not AWS's 400)
    with pytest.raises(ClientError):
        dynamodb.update_item(
            TableName=TABLE,
            Key=_key("t6", "a"),
            UpdateExpression="SET seen = :v",
            ConditionExpression="n < :missing",
            ExpressionAttributeValues={":v": {"N": "1"}},
        )


def test_one_connection_serves_call_after_call(dynamodb: Any) -> None:
    """The SDK's pooled connection is kept (werkzeug's server closed it after every call)."""
    endpoint = urlsplit(dynamodb.meta.endpoint_url)
    connection = http.client.HTTPConnection(endpoint.hostname or "127.0.0.1", endpoint.port, timeout=10)
    headers = {
        "X-Amz-Target": "DynamoDB_20120810.ListTables",
        "Content-Type": "application/x-amz-json-1.0",
        "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/dynamodb/aws4_request, "
        "SignedHeaders=host, Signature=0",
    }
    sockets = []
    try:
        for _ in range(3):
            connection.request("POST", "/", body=b"{}", headers=headers)
            response = connection.getresponse()
            assert TABLE in response.read().decode()
            assert response.status == 200
            assert not response.will_close, response.getheader("Connection")
            sockets.append(connection.sock)
    finally:
        connection.close()
    assert sockets[0] is not None
    assert all(s is sockets[0] for s in sockets)
