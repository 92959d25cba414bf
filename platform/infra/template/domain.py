"""The optional custom domain of the REST API (template parameters DomainName and CertificateArn)."""

from __future__ import annotations

from typing import Any

from infra.template import names
from infra.template.context import SynthContext
from infra.template.intrinsics import ref

DOMAIN = "RestApiDomainName"


def resources(ctx: SynthContext) -> dict[str, Any]:
    """A regional domain name (TLS 1.2) mapped to the REST stage, created only when both
    parameters are given."""
    api = ctx.stack.rest_api
    return {
        DOMAIN: {
            "Type": "AWS::ApiGateway::DomainName",
            "Condition": names.HAS_CUSTOM_DOMAIN,
            "Properties": {
                "DomainName": ref(names.DOMAIN_NAME_PARAMETER),
                "RegionalCertificateArn": ref(names.CERTIFICATE_PARAMETER),
                "EndpointConfiguration": {"Types": ["REGIONAL"]},
                "SecurityPolicy": "TLS_1_2",
            },
        },
        f"{DOMAIN}Mapping": {
            "Type": "AWS::ApiGateway::BasePathMapping",
            "Condition": names.HAS_CUSTOM_DOMAIN,
            "Properties": {
                "DomainName": ref(DOMAIN),
                "RestApiId": ref(api.logical_name),
                "Stage": ref(names.rest_stage_id(ctx.stack)),
            },
        },
    }
