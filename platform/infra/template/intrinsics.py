"""CloudFormation intrinsic functions as plain dicts."""

from __future__ import annotations

from typing import Any


def ref(logical_id: str) -> dict[str, Any]:
    """``{"Ref": logical_id}``."""
    return {"Ref": logical_id}


def get_att(logical_id: str, attribute: str) -> dict[str, Any]:
    """``{"Fn::GetAtt": [logical_id, attribute]}``."""
    return {"Fn::GetAtt": [logical_id, attribute]}


def sub(text: str) -> dict[str, Any]:
    """``{"Fn::Sub": text}``."""
    return {"Fn::Sub": text}


def arn(service: str, resource: str, *, region: bool = True, account: bool = True) -> dict[str, Any]:
    """An ARN of this partition, region and account built with ``Fn::Sub``.

    ``resource`` may hold ``${...}`` references. ARNs are built from ``Ref`` rather than
    ``Fn::GetAtt`` where moto's CloudFormation skips the resource type (Cognito, API Gateway v2),
    because a ``Fn::GetAtt`` of a skipped resource fails the whole stack there.
    """
    region_part = "${AWS::Region}" if region else ""
    account_part = "${AWS::AccountId}" if account else ""
    return sub(f"arn:${{AWS::Partition}}:{service}:{region_part}:{account_part}:{resource}")
