"""Template parameters (what differs between deployments of one stage) and conditions."""

from __future__ import annotations

from typing import Any

from infra.template import names
from infra.template.context import SynthContext
from infra.template.intrinsics import ref


def parameters(ctx: SynthContext) -> dict[str, Any]:
    """Artifact location, CORS origins, sign-up confirmation and the optional custom domains
    (REST API, web distribution)."""
    out: dict[str, Any] = {
        names.ARTIFACT_BUCKET_PARAMETER: {
            "Type": "String",
            "Description": "S3 bucket holding the Lambda zips (ops deploy creates and fills it)",
            "MinLength": 3,
        },
        names.CORS_ORIGINS_PARAMETER: {
            "Type": "String",
            "Description": "Browser origins allowed by CORS (REST API and media bucket) besides the web "
            "distribution's own, comma separated (empty: none)",
            "Default": "http://localhost:8081" if ctx.stage.local_cors_origins else "",
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
    if ctx.stack.web is not None:
        out[names.WEB_DOMAIN_PARAMETER] = {
            "Type": "String",
            "Description": "Optional alternate domain of the web distribution (empty: its cloudfront.net name)",
            "Default": "",
        }
        out[names.WEB_CERTIFICATE_PARAMETER] = {
            "Type": "String",
            "Description": "ACM certificate ARN of the web domain; CloudFront needs it in us-east-1",
            "Default": "",
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
    """``HasCustomDomain``: both the REST domain name and its certificate are given;
    ``HasWebDomain`` the same for the web distribution; ``HasExtraCorsOrigins``: CORS origins
    beyond the web distribution's are given; ``InUsEast1``: the stack is in us-east-1, where
    alarms on CloudFront's metrics can be made."""
    out: dict[str, Any] = {
        names.HAS_CUSTOM_DOMAIN: _both_given(names.DOMAIN_NAME_PARAMETER, names.CERTIFICATE_PARAMETER),
    }
    if ctx.stack.web is not None:
        out[names.HAS_WEB_DOMAIN] = _both_given(names.WEB_DOMAIN_PARAMETER, names.WEB_CERTIFICATE_PARAMETER)
        out[names.IN_US_EAST_1] = {"Fn::Equals": [ref("AWS::Region"), "us-east-1"]}
        out[names.HAS_EXTRA_CORS_ORIGINS] = {"Fn::Not": [{"Fn::Equals": [ref(names.CORS_ORIGINS_PARAMETER), ""]}]}
    return out


def _both_given(first: str, second: str) -> dict[str, Any]:
    return {
        "Fn::And": [
            {"Fn::Not": [{"Fn::Equals": [ref(first), ""]}]},
            {"Fn::Not": [{"Fn::Equals": [ref(second), ""]}]},
        ]
    }
