"""Template parameters (what differs between deployments of one stage) and conditions."""

from __future__ import annotations

from typing import Any

from infra.template import names
from infra.template.context import SynthContext
from infra.template.intrinsics import ref


def parameters(ctx: SynthContext) -> dict[str, Any]:
    """Artifact location, CORS origins, sign-up confirmation and the optional custom domain."""
    out: dict[str, Any] = {
        names.ARTIFACT_BUCKET_PARAMETER: {
            "Type": "String",
            "Description": "S3 bucket holding the Lambda zips (ops deploy creates and fills it)",
            "MinLength": 3,
        },
        names.CORS_ORIGINS_PARAMETER: {
            "Type": "String",
            "Description": "Browser origins allowed by CORS (REST API and bucket), comma separated",
            "Default": "http://localhost:8081",
        },
        names.AUTO_CONFIRM_PARAMETER: {
            "Type": "String",
            "Description": "Confirm sign-ups without the emailed code (test stages only)",
            "AllowedValues": ["false", "true"],
            "Default": "false",
        },
        names.DOMAIN_NAME_PARAMETER: {
            "Type": "String",
            "Description": "Optional custom domain of the REST API (empty: none)",
            "Default": "",
        },
        names.CERTIFICATE_PARAMETER: {
            "Type": "String",
            "Description": "ACM certificate ARN (same region) of the custom domain",
            "Default": "",
        },
    }
    for function in ctx.stack.functions:
        out.setdefault(
            names.code_key_parameter(function),
            {
                "Type": "String",
                "Description": f"S3 key of the Lambda zip for {function.architecture} / {function.runtime}",
                "MinLength": 1,
            },
        )
    return out


def conditions(ctx: SynthContext) -> dict[str, Any]:
    """``HasCustomDomain``: both the domain name and its certificate are given."""
    return {
        names.HAS_CUSTOM_DOMAIN: {
            "Fn::And": [
                {"Fn::Not": [{"Fn::Equals": [ref(names.DOMAIN_NAME_PARAMETER), ""]}]},
                {"Fn::Not": [{"Fn::Equals": [ref(names.CERTIFICATE_PARAMETER), ""]}]},
            ]
        }
    }
