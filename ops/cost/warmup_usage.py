"""The warm-up policy's monthly usage (``ops warmup``'s ``warmup.yaml``) as fixed usage.

Warm-up does not grow with users: every tier pays for the same pings (a Scheduler invocation
and a short Lambda request each) or the same provisioned-concurrency hours. The policy and
its usage come from :mod:`ops.warmup`; this module only adapts them to a projection.
"""

from __future__ import annotations

from pathlib import Path

from infra.model import Stack

from ops.cost.errors import OptionError
from ops.cost.fixed_costs import FixedUsage

# The file `ops warmup` reads by default, relative to the working directory.
DEFAULT_POLICY = Path("warmup.yaml")


def warmup_fixed_usage(path: Path, stack: Stack) -> list[FixedUsage]:
    """One :class:`FixedUsage` per function the policy keeps warm.

    Raises
    ------
    OptionError
        When the policy is missing or invalid (the message lists every problem).
    """
    # Imported here: warm-up is optional for a projection, and ops.warmup prices its own
    # policies with ops.cost, so a module-level import would tie the two packages together.
    from ops.warmup.cost import policy_usage
    from ops.warmup.policy import PolicyError, load_policy

    try:
        policy = load_policy(path, stack)
    except PolicyError as error:
        raise OptionError(f"--warmup-policy: {error}") from None
    return [
        FixedUsage(label=f"warm-up of {function.function} ({function.method}, {path})", usage=usage)
        for function, usage in zip(policy.functions, policy_usage(policy, stack), strict=True)
    ]
