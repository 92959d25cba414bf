"""The monthly cost of a known policy, computed by hand."""

from __future__ import annotations

from decimal import Decimal

from infra import STACK

from ops.cost.price_sheet import load_price_sheet
from ops.warmup.cost import policy_costs
from ops.warmup.policy import parse_policy


def test_cost_of_a_known_policy() -> None:
    policy = parse_policy(
        {
            "functions": {
                "chat": {"method": "provisioned", "concurrency": 2, "windows": ["always"]},
                "websocket": {"method": "ping", "concurrency": 2, "interval_minutes": 5, "windows": ["always"]},
            }
        },
        STACK,
    )
    chat, websocket = policy_costs(policy, STACK, load_price_sheet())
    # chat: arm64, 1024 MB = 1 GB; 2 environments x 730 h x 3600 s = 5,256,000 GB-s
    #       x $0.0000033334 per GB-s (provisioned concurrency, arm64) = $17.52
    assert STACK.function("chat").architecture == "arm64"
    assert STACK.function("chat").memory_mb == 1024
    assert chat.cost == Decimal("17.52")
    assert chat.method == "provisioned"
    # websocket: 730 h x 12 pings an hour x 2 = 17,520 pings a month
    #   requests: 17,520 x $0.20 / 1M = $0.0035; duration: 17,520 x 0.150 s x 1 GB = 2,628 GB-s
    #   x $0.0000133334 (arm64) = $0.035; scheduler: 17,520 x $1.00 / 1M = $0.0175; total $0.06
    assert websocket.cost == Decimal("0.06")
    # the same two environments provisioned instead: $17.52 -> pings are cheaper here
    assert websocket.provisioned_cost == Decimal("17.52")
    assert websocket.cheaper == "ping"
