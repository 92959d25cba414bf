"""CloudFront in the cost model: the price sheet's lines and always-free allowance (1 TB out,
10 M requests a month), the usage file's ``cloudfront`` section, a projection from the
distribution's metrics, and the template's CloudFront resources in the inventory."""

from __future__ import annotations

from decimal import Decimal

import pytest
from infra import STACK
from infra.template import synthesize

from kit.usage import parse_usage
from ops.cost.catalogue import GAUGES
from ops.cost.inventory import Free, Priced, inventory
from ops.cost.metrics_export import COLUMNS, read_metrics
from ops.cost.observed import observe
from ops.cost.projection import ProjectionOptions, project
from ops.cost.rates import per_user_rates
from ops.cost.series import summarise
from ops.cost.user_tiers import UserTier

GB = 1024**3


def _line(bill, item_prefix):
    return next(ln for ln in bill.services["cloudfront"].lines if ln.item.startswith(item_prefix))


def test_the_always_free_allowance_covers_1_tb_and_10_million_requests(price):
    bill = price({"cloudfront": {"https_requests": 10_000_000, "data_transfer_out_gb": 1024}})
    assert bill.services["cloudfront"].cost == Decimal("0")
    assert _line(bill, "HTTPS requests").free_quantity == 10_000_000


def test_beyond_the_free_tier(price):
    # 20 M requests: 10 M free, 10 M x $0.0100 per 10,000 = $10.00.
    # 12 TB out: 1 TB free; GB 1,025-10,240 at $0.085 (9,216 GB = $783.36), GB 10,241-12,288 at
    # $0.080 (2,048 GB = $163.84): $947.20. 2,000 invalidation paths: 1,000 free, 1,000 x $0.005 = $5.
    usage = {
        "cloudfront": {"https_requests": 20_000_000, "data_transfer_out_gb": 12 * 1024, "invalidation_paths": 2000}
    }
    bill = price(usage)
    assert _line(bill, "HTTPS requests").cost == Decimal("10.00")
    assert _line(bill, "data transfer out").cost == Decimal("947.20")
    assert _line(bill, "invalidation paths").cost == Decimal("5.00")
    # Without the free tier: 10,240 GB x $0.085 = $870.40 + 2,048 GB x $0.080 = $163.84; $20 of
    # requests; $10 of paths: $1,064.24.
    assert price(usage, free_tier="none").services["cloudfront"].cost == Decimal("1064.24")


def test_the_usage_file_section_is_checked():
    assert parse_usage({"cloudfront": {"https_requests": 5}}).cloudfront.https_requests == 5
    with pytest.raises(Exception, match=r"cloudfront\.requests: unknown key"):
        parse_usage({"cloudfront": {"requests": 5}})


def test_a_projection_reads_requests_and_bytes_per_user_from_the_distribution(tmp_path, sheet):
    # 73 hours (a tenth of a month), 100 users: 200,000 requests and 20 GiB -> per user a month
    # 20,000 requests and 2 GiB; 10,000 users -> 200 M requests and 20,000 GiB.
    window = 262800
    rows = [
        f"2026-01-01T00:00:00Z,AWS/CloudFront,Requests,DistributionId=E1ABC;Region=Global,Sum,200000,{window}",
        f"2026-01-01T00:00:00Z,AWS/CloudFront,BytesDownloaded,DistributionId=E1ABC;Region=Global,"
        f"Sum,{20 * GB},{window}",
        f"2026-01-01T00:00:00Z,ChatPlatform,ActiveUsers,service=auth,Maximum,100,{window}",
    ]
    path = tmp_path / "metrics.csv"
    path.write_text("\n".join([",".join(COLUMNS), *rows]) + "\n")
    rates = per_user_rates(observe(summarise(read_metrics(path), GAUGES), STACK))
    assert rates.web_requests == pytest.approx(20_000)
    assert rates.web_transfer_out_gb == pytest.approx(2.0)
    projection = project(rates, STACK, [UserTier("big", 10_000)], sheet, ProjectionOptions(free_tier="always"))
    (tier,) = projection.tiers
    usage = tier.usage.cloudfront
    assert usage.https_requests == pytest.approx(200_000_000)
    assert usage.data_transfer_out_gb == pytest.approx(20_000)
    # 190 M billed requests x $0.000001 = $190.00
    requests = next(ln for ln in tier.bill.services["cloudfront"].lines if ln.item.startswith("HTTPS"))
    assert requests.cost == Decimal("190.00")


def test_the_template_s_cloudfront_resources_are_priced_or_free():
    lines = {line.resource_type: line.entry for line in inventory(synthesize(STACK, "prod"))}
    distribution = lines["AWS::CloudFront::Distribution"]
    assert isinstance(distribution, Priced)
    assert set(distribution.meters) == {
        "cloudfront.https_requests",
        "cloudfront.data_transfer_out_gb",
        "cloudfront.invalidation_paths",
    }
    assert isinstance(lines["AWS::CloudFront::OriginAccessControl"], Free)
    assert isinstance(lines["AWS::CloudFront::ResponseHeadersPolicy"], Free)
