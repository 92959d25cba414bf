"""The web build's hosting in the template: a private bucket only CloudFront reads (Origin
Access Control), HTTPS only, the security headers policy, and the single-page app fallback."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from infra import STACK
from infra.template import names, synthesize
from infra.web_headers import REFERRER_POLICY

WEB = STACK.web
assert WEB is not None


@pytest.fixture(scope="module", params=["dev", "prod"])
def template(request: pytest.FixtureRequest) -> dict[str, Any]:
    return synthesize(STACK, request.param)


def _distribution(template: dict[str, Any]) -> dict[str, Any]:
    return template["Resources"][WEB.distribution_logical_name]["Properties"]["DistributionConfig"]


def test_the_bucket_is_private_encrypted_and_tls_only(template: dict[str, Any]) -> None:
    bucket = template["Resources"][WEB.bucket_logical_name]["Properties"]
    assert bucket["PublicAccessBlockConfiguration"] == dict.fromkeys(
        ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"), True
    )
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]
    assert "WebsiteConfiguration" not in bucket  # never a public website endpoint
    statements = template["Resources"][f"{WEB.bucket_logical_name}Policy"]["Properties"]["PolicyDocument"]["Statement"]
    allows = [s for s in statements if s["Effect"] == "Allow"]
    # Only CloudFront may read, only this distribution, only objects.
    assert len(allows) == 1
    (allow,) = allows
    assert allow["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert allow["Action"] == "s3:GetObject"
    source = allow["Condition"]["StringEquals"]["AWS:SourceArn"]["Fn::Sub"]
    assert source.endswith(f"distribution/${{{WEB.distribution_logical_name}}}")
    denies = {s["Sid"]: s for s in statements if s["Effect"] == "Deny"}
    assert denies["DenyPlainHttp"]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_cloudfront_reaches_the_bucket_through_origin_access_control(template: dict[str, Any]) -> None:
    oac = template["Resources"][names.WEB_ORIGIN_ACCESS_CONTROL]
    assert oac["Type"] == "AWS::CloudFront::OriginAccessControl"
    config = oac["Properties"]["OriginAccessControlConfig"]
    assert (config["OriginAccessControlOriginType"], config["SigningBehavior"], config["SigningProtocol"]) == (
        "s3",
        "always",
        "sigv4",
    )
    (origin,) = _distribution(template)["Origins"]
    assert origin["OriginAccessControlId"] == {"Ref": names.WEB_ORIGIN_ACCESS_CONTROL}
    assert origin["DomainName"] == {"Fn::GetAtt": [WEB.bucket_logical_name, "RegionalDomainName"]}
    assert origin["S3OriginConfig"] == {"OriginAccessIdentity": ""}  # no legacy OAI


def test_https_only_http2_and_3_compressed(template: dict[str, Any]) -> None:
    config = _distribution(template)
    behavior = config["DefaultCacheBehavior"]
    assert behavior["ViewerProtocolPolicy"] == "redirect-to-https"
    assert behavior["Compress"] is True
    assert config["HttpVersion"] == "http2and3"
    assert config["PriceClass"] == WEB.price_class
    assert behavior["ResponseHeadersPolicyId"] == {"Ref": names.WEB_HEADERS_POLICY}


def test_the_price_class_is_the_stack_models() -> None:
    stack = dataclasses.replace(STACK, web=dataclasses.replace(WEB, price_class="PriceClass_All"))
    assert _distribution(synthesize(stack, "dev"))["PriceClass"] == "PriceClass_All"
    with pytest.raises(ValueError, match="price_class"):
        dataclasses.replace(WEB, price_class="PriceClass_1")  # type: ignore[arg-type]


def test_the_headers_policy_sets_hsts_csp_nosniff_framing_and_referrer(template: dict[str, Any]) -> None:
    security = template["Resources"][names.WEB_HEADERS_POLICY]["Properties"]["ResponseHeadersPolicyConfig"][
        "SecurityHeadersConfig"
    ]
    assert security["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31536000
    assert security["ContentTypeOptions"] == {"Override": True}
    assert security["FrameOptions"]["FrameOption"] == "DENY"
    assert security["ReferrerPolicy"]["ReferrerPolicy"] == REFERRER_POLICY
    csp, variables = security["ContentSecurityPolicy"]["ContentSecurityPolicy"]["Fn::Sub"]
    directives = dict(d.split(" ", 1) for d in csp.split("; "))
    assert directives["frame-ancestors"] == "'none'"
    assert directives["script-src"] == "'self'"
    # connect-src: the page itself, this stage's REST API (and its custom domain) and WebSocket API only.
    assert directives["connect-src"].split() == [
        "'self'",
        f"https://${{{STACK.rest_api.logical_name}}}.execute-api.${{AWS::Region}}.${{AWS::URLSuffix}}${{RestDomain}}",
        f"wss://${{{STACK.websocket_api.logical_name}}}.execute-api.${{AWS::Region}}.${{AWS::URLSuffix}}",
    ]
    assert variables["RestDomain"]["Fn::If"][0] == names.HAS_CUSTOM_DOMAIN
    assert "*" not in csp


def test_missing_paths_fall_back_to_index_html_with_200(template: dict[str, Any]) -> None:
    config = _distribution(template)
    assert config["DefaultRootObject"] == "index.html"
    answers = {r["ErrorCode"]: r for r in config["CustomErrorResponses"]}
    assert set(answers) == {403, 404}
    for answer in answers.values():
        assert (answer["ResponseCode"], answer["ResponsePagePath"]) == (200, "/index.html")


def test_the_alternate_domain_and_certificate_are_optional_parameters(template: dict[str, Any]) -> None:
    parameters = template["Parameters"]
    assert parameters[names.WEB_DOMAIN_PARAMETER]["Default"] == ""
    assert "us-east-1" in parameters[names.WEB_CERTIFICATE_PARAMETER]["Description"]
    config = _distribution(template)
    condition, with_domain, without = config["ViewerCertificate"]["Fn::If"]
    assert condition == names.HAS_WEB_DOMAIN
    assert with_domain["AcmCertificateArn"] == {"Ref": names.WEB_CERTIFICATE_PARAMETER}
    assert with_domain["MinimumProtocolVersion"] == "TLSv1.2_2021"
    assert without == {"CloudFrontDefaultCertificate": True}
    assert config["Aliases"]["Fn::If"][1] == [{"Ref": names.WEB_DOMAIN_PARAMETER}]


def test_cors_allows_the_distribution_in_every_stage_and_localhost_only_in_dev(template: dict[str, Any]) -> None:
    origin = {"Fn::Sub": "https://${WebDistribution.DomainName}"}
    media_rule = template["Resources"][STACK.bucket.logical_name]["Properties"]["CorsConfiguration"]["CorsRules"][0]
    assert media_rule["AllowedOrigins"]["Fn::Split"][1]["Fn::Join"][1][0] == origin
    gateway = json.dumps(template["Resources"][f"{STACK.rest_api.logical_name}ResponseDefault4xx"])
    assert "WebDistribution.DomainName" in gateway
    default = template["Parameters"][names.CORS_ORIGINS_PARAMETER]["Default"]
    stage = template["Description"].split("(")[1].split(")")[0]
    assert ("localhost" in default) == (stage == "dev")


def test_outputs_name_the_url_bucket_and_distribution(template: dict[str, Any]) -> None:
    outputs = template["Outputs"]
    assert outputs["WebBucketName"]["Value"] == {"Ref": WEB.bucket_logical_name}
    assert outputs["WebDistributionId"]["Value"] == {"Ref": WEB.distribution_logical_name}
    assert outputs["WebUrl"]["Value"]["Fn::If"][0] == names.HAS_WEB_DOMAIN


def test_a_stack_without_web_hosting_has_none_of_it() -> None:
    template = synthesize(dataclasses.replace(STACK, web=None), "prod")
    assert not [r for r in template["Resources"].values() if r["Type"].startswith("AWS::CloudFront::")]
    assert "WebUrl" not in template["Outputs"]
