"""``AWS::CloudFront::Distribution`` for moto's CloudFormation, which skips the type (moto 5.2).

The functions' CORS origins and the stack's outputs name the distribution's domain
(``Fn::GetAtt WebDistribution.DomainName``), which moto cannot resolve for a skipped resource.
This model gives the distribution an id and a ``cloudfront.net`` domain as CloudFront would,
and creates nothing else: the web build's serving is tested on the local twin. Test support
only: production deploys to AWS, where the type exists.
"""

from __future__ import annotations

import hashlib
from typing import Any

from moto.cloudformation import parsing
from moto.core.common_models import CloudFormationModel


class DistributionResource(CloudFormationModel):
    """One distribution created from a template: its id and domain name only."""

    def __init__(self, logical_id: str, account_id: str, region_name: str) -> None:
        digest = hashlib.sha256(f"{account_id}/{region_name}/{logical_id}".encode()).hexdigest()
        self.distribution_id = "E" + digest[:13].upper()
        self.domain_name = f"d{digest[13:26]}.cloudfront.net"

    @property
    def physical_resource_id(self) -> str:
        return self.distribution_id

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::CloudFront::Distribution"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in ("DomainName", "Id")

    def get_cfn_attribute(self, attribute_name: str) -> str:
        return self.domain_name if attribute_name == "DomainName" else self.distribution_id

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> DistributionResource:
        return cls(resource_name, account_id, region_name)

    @classmethod
    def update_from_cloudformation_json(  # type: ignore[misc]
        cls,
        original_resource: DistributionResource,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> DistributionResource:
        return original_resource

    @classmethod
    def delete_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> None:
        return None

    def is_created(self) -> bool:
        return True


def install() -> None:
    """Make moto's CloudFormation use the model (its type maps are cached; clear them)."""
    for cached in (parsing.get_model_list, parsing.get_model_map, parsing.get_name_type_map):
        cached.cache_clear()
