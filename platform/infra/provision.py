"""Create the stack's stateful resources through boto3, from the model.

Used by the local twin and by tests against moto, so that the table, bucket and user pool
they run on are the ones the model declares, never a second copy of the schema.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from infra.model import Table, UserPool


@dataclass(frozen=True)
class ProvisionedResources:
    """Names and ids of what was created."""

    table_name: str
    bucket_name: str
    user_pool_id: str
    user_pool_client_id: str


def table_definition(table: Table, table_name: str) -> dict[str, Any]:
    """``CreateTable`` arguments for ``table`` (on-demand billing, every GSI)."""
    definition: dict[str, Any] = {
        "TableName": table_name,
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [
            {"AttributeName": key.name, "AttributeType": key.type} for key in table.attribute_definitions()
        ],
        "KeySchema": [
            {"AttributeName": table.partition_key.name, "KeyType": "HASH"},
            {"AttributeName": table.sort_key.name, "KeyType": "RANGE"},
        ],
    }
    if table.global_secondary_indexes:
        definition["GlobalSecondaryIndexes"] = [
            {
                "IndexName": index.name,
                "KeySchema": [{"AttributeName": index.partition_key.name, "KeyType": "HASH"}]
                + ([{"AttributeName": index.sort_key.name, "KeyType": "RANGE"}] if index.sort_key else []),
                "Projection": (
                    {"ProjectionType": "ALL"}
                    if index.projection is None
                    else {"ProjectionType": "INCLUDE", "NonKeyAttributes": list(index.projection)}
                ),
            }
            for index in table.global_secondary_indexes
        ]
    return definition


def user_pool_definition(pool: UserPool, pool_name: str) -> dict[str, Any]:
    """``CreateUserPool`` arguments: email as the username, the model's password policy."""
    return {
        "PoolName": pool_name,
        "UsernameAttributes": ["email"],
        "AutoVerifiedAttributes": ["email"],
        "Policies": {
            "PasswordPolicy": {
                "MinimumLength": pool.password_min_length,
                "RequireUppercase": True,
                "RequireLowercase": True,
                "RequireNumbers": True,
                "RequireSymbols": False,
            }
        },
        "Schema": [{"Name": "name", "AttributeDataType": "String", "Mutable": True, "Required": False}],
    }


def user_pool_client_definition(pool: UserPool, user_pool_id: str) -> dict[str, Any]:
    """``CreateUserPoolClient`` arguments: a public client (no secret) with password auth."""
    return {
        "UserPoolId": user_pool_id,
        "ClientName": pool.client_name,
        "GenerateSecret": False,
        "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        "PreventUserExistenceErrors": "ENABLED",
        "IdTokenValidity": pool.id_token_validity_minutes,
        "AccessTokenValidity": pool.access_token_validity_minutes,
        "RefreshTokenValidity": pool.refresh_token_validity_days,
        "TokenValidityUnits": {"IdToken": "minutes", "AccessToken": "minutes", "RefreshToken": "days"},
    }


def provision(session: Any, stack: Any, prefix: str, region: str = "us-east-1") -> ProvisionedResources:
    """Create the table, bucket, user pool and client of ``stack`` with ``session``'s clients.

    ``prefix`` makes the physical names unique (the stack name and stage in practice).
    """
    dynamodb = session.client("dynamodb", region_name=region)
    s3 = session.client("s3", region_name=region)
    cognito = session.client("cognito-idp", region_name=region)

    table_name = f"{prefix}-{stack.table.logical_name}".lower()
    dynamodb.create_table(**table_definition(stack.table, table_name))
    dynamodb.update_time_to_live(
        TableName=table_name,
        TimeToLiveSpecification={"Enabled": True, "AttributeName": stack.table.ttl_attribute},
    )

    bucket_name = f"{prefix}-{stack.bucket.logical_name}".lower()
    if region == "us-east-1":
        s3.create_bucket(Bucket=bucket_name)
    else:
        s3.create_bucket(Bucket=bucket_name, CreateBucketConfiguration={"LocationConstraint": region})

    pool = cognito.create_user_pool(**user_pool_definition(stack.user_pool, f"{prefix}-users"))
    user_pool_id = pool["UserPool"]["Id"]
    client = cognito.create_user_pool_client(**user_pool_client_definition(stack.user_pool, user_pool_id))
    return ProvisionedResources(
        table_name=table_name,
        bucket_name=bucket_name,
        user_pool_id=user_pool_id,
        user_pool_client_id=client["UserPoolClient"]["ClientId"],
    )
