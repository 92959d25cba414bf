"""The demo under a warm-up policy: provisioned concurrency applied to the twin before the
day's traffic, exactly as `ops warmup apply --info-file` would, so the report's cold-start rate
shows what the policy does for users."""

from __future__ import annotations

from infra.model import Stack

from ops.local import names
from ops.local.provisioning import client
from ops.local.twin import Twin
from ops.warmup.aws import apply_changes, read_state
from ops.warmup.desired import Place, desired_state
from ops.warmup.plan import plan
from ops.warmup.policy import Policy


def apply_policy(twin: Twin, policy: Policy, stack: Stack) -> dict[str, int]:
    """Apply ``policy`` to the running twin as `ops warmup apply --info-file` would, and wait
    until its provisioned environments are initialized; returns them per function."""
    endpoint = twin.info.aws_endpoint_url
    place = Place(stack, "local", names.REGION, names.ACCOUNT_ID, physical_names=twin.info.functions)
    scheduler, autoscaling = client(endpoint, "scheduler"), client(endpoint, "application-autoscaling")
    changes = plan(desired_state(policy, place), read_state(scheduler, autoscaling, place))
    apply_changes(scheduler, autoscaling, place, changes)
    return twin.sync_provisioned()
