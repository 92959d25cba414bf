"""``AWS::Lambda::Alias`` for moto's CloudFormation, which skips the type (moto 5.2), and
``Fn::GetAtt <version>.Version``, which moto's ``AWS::Lambda::Version`` lacks.

Every caller of the stack targets a function's ``live`` alias, so without the alias moto's
CloudFormation cannot create the invoke permissions. This model creates, moves and deletes the
alias through moto's own Lambda backend (``create_alias`` / ``update_alias``), so a deploy test
sees the alias follow the published version the way CloudFormation makes it. Test support
only: production deploys to AWS, where the type exists.
"""

from __future__ import annotations

from typing import Any

from moto.awslambda.models import LambdaVersion, lambda_backends
from moto.cloudformation import parsing
from moto.core.common_models import CloudFormationModel


class LambdaAliasResource(CloudFormationModel):
    """One alias created from a template."""

    def __init__(self, arn: str, function_name: str, name: str, version: str) -> None:
        self.arn = arn
        self.function_name = function_name
        self.name = name
        self.version = version

    @property
    def physical_resource_id(self) -> str:
        return self.arn

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::Lambda::Alias"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in ("AliasArn",)

    def get_cfn_attribute(self, attribute_name: str) -> str:
        return self.arn

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> LambdaAliasResource:
        properties = cloudformation_json["Properties"]
        backend = lambda_backends[account_id][region_name]
        function, name, version = properties["FunctionName"], properties["Name"], str(properties["FunctionVersion"])
        alias = backend.create_alias(name, function, version, properties.get("Description", ""), "")
        return cls(alias.arn, function, name, version)

    @classmethod
    def update_from_cloudformation_json(  # type: ignore[misc]
        cls,
        original_resource: LambdaAliasResource,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> LambdaAliasResource:
        properties = cloudformation_json["Properties"]
        version = str(properties["FunctionVersion"])
        backend = lambda_backends[account_id][region_name]
        backend.update_alias(original_resource.name, original_resource.function_name, version, None, None)  # type: ignore[arg-type]
        original_resource.version = version
        return original_resource

    @classmethod
    def delete_from_cloudformation_json(  # type: ignore[misc]
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> None:
        properties = cloudformation_json["Properties"]
        function = properties.get("FunctionName")
        # moto passes the unresolved template here; the function's own deletion (same stack)
        # removes its aliases then.
        if isinstance(function, str):
            lambda_backends[account_id][region_name].delete_alias(properties["Name"], function)

    def is_created(self) -> bool:
        return True


def _version_attribute(self: LambdaVersion, attribute_name: str) -> str:
    if attribute_name != "Version":
        raise KeyError(f"AWS::Lambda::Version has no attribute {attribute_name!r} here")
    return str(self.version)


def install() -> None:
    """Make moto's CloudFormation use the model (its type maps are cached; clear them)."""
    LambdaVersion.get_cfn_attribute = _version_attribute  # type: ignore[attr-defined]
    for cached in (parsing.get_model_list, parsing.get_model_map, parsing.get_name_type_map):
        cached.cache_clear()
