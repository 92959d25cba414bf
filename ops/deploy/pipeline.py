"""`ops deploy` from start to end: template, zips, artifacts, change set, confirmation,
execution with progress, outputs."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from infra.model import Stack
from infra.template import names, template_json

from ops.deploy import artifacts, cors
from ops.deploy.aws import Clients
from ops.deploy.changeset import (
    ChangeSet,
    change_set_type,
    create_change_set,
    discard,
    parameter_list,
    stack_status,
)
from ops.deploy.errors import DeployError
from ops.deploy.package import BuildTarget, BuiltZip, build_zip, targets
from ops.deploy.progress import StackEvent, events_since, wait_for_stack
from ops.deploy.requirements import runtime_requirements
from ops.deploy.stacks import stack_outputs
from ops.deploy.synth import build_template

Builder = Callable[[Sequence[BuildTarget], Path, Callable[[str], None]], list[BuiltZip]]


class Reporter(Protocol):
    """What the deploy tells its user, and the one question it asks."""

    def step(self, message: str) -> None:
        """A step starts or finishes."""

    def show_changes(self, change_set: ChangeSet) -> None:
        """The change set about to be executed."""

    def event(self, event: StackEvent) -> None:
        """A new stack event."""

    def status(self, status: str) -> None:
        """The stack's current status."""

    def confirm(self, question: str) -> bool:
        """Ask the user; True to go on."""


@dataclass(frozen=True)
class DeployRequest:
    """What to deploy and how."""

    stage: str
    parameters: Mapping[str, str] = field(default_factory=dict)
    yes: bool = False
    dry_run: bool = False
    build_dir: Path = Path("build/lambda")
    poll_seconds: float = 5.0


@dataclass(frozen=True)
class DeployResult:
    """How the deploy ended: ``deployed``, ``no-changes``, ``dry-run`` or ``cancelled``."""

    stack_name: str
    outcome: str
    outputs: dict[str, str]
    change_set: ChangeSet | None
    zips: list[BuiltZip]


def build_runtime_zips(
    build_targets: Sequence[BuildTarget], build_dir: Path, step: Callable[[str], None]
) -> list[BuiltZip]:
    """The real zips: the backend with the runtime requirements of pyproject.toml."""
    requirements = runtime_requirements()
    return [build_zip(target, requirements, build_dir, on_step=step) for target in build_targets]


def _partition(caller_arn: str) -> str:
    return caller_arn.split(":")[1] if caller_arn.startswith("arn:") else "aws"


def code_parameters(stack: Stack, keys: Mapping[BuildTarget, str]) -> dict[str, str]:
    """``CodeKey...`` template parameter -> S3 key of the zip built for those functions."""
    return {names.code_key_parameter(f): keys[BuildTarget.of(f)] for f in stack.functions}


def code_hashes(stack: Stack, hashes: Mapping[BuildTarget, str]) -> dict[str, str]:
    """``CodeKey...`` template parameter -> SHA-256 of the zip built for those functions."""
    return {names.code_key_parameter(f): hashes[BuildTarget.of(f)] for f in stack.functions}


def deploy(
    stack: Stack,
    request: DeployRequest,
    clients: Clients,
    reporter: Reporter,
    *,
    build: Builder = build_runtime_zips,
) -> DeployResult:
    """Deploy ``stack`` to ``request.stage`` through a change set (see module docstring)."""
    cloudformation = clients.cloudformation
    stack_name = names.stack_name(stack, request.stage)
    reserved = {names.ARTIFACT_BUCKET_PARAMETER} | {names.code_key_parameter(f) for f in stack.functions}
    clash = sorted(reserved & set(request.parameters))
    if clash:
        raise DeployError(f"ops deploy sets {', '.join(clash)} itself; do not pass it as --parameter")
    origins = request.parameters.get(names.CORS_ORIGINS_PARAMETER)
    if origins is None:
        origins = cors.previous_origins(cloudformation, stack_name)
    cors.check_origins(stack.stage(request.stage), origins)

    reporter.step(f"building the Lambda zip(s) for {len(stack.functions)} functions")
    zips = build(targets(stack.functions), request.build_dir, reporter.step)
    for built in zips:
        reporter.step(built.summary)
    # The zips' hashes name each function's published version: new code, new version, and the
    # live alias moves to it; the same zip, the same version.
    template = build_template(stack, request.stage, code_hashes(stack, {z.target: z.sha256 for z in zips}))

    identity = clients.sts.get_caller_identity()
    bucket = artifacts.artifact_bucket_name(stack_name, identity["Account"], clients.region)
    if artifacts.ensure_bucket(
        clients.s3, bucket, clients.region, _partition(identity.get("Arn", "")), tls_only=clients.secure
    ):
        reporter.step(f"created artifact bucket {bucket}")
    keys = {z.target: artifacts.upload_zip(clients.s3, bucket, z.target.slug, z.path, z.sha256) for z in zips}
    template_url = artifacts.upload_template(
        clients.s3,
        bucket,
        stack_name,
        template_json(template, compact=True),
        clients.region,
    )
    reporter.step(f"uploaded artifacts to s3://{bucket}")

    status = stack_status(cloudformation, stack_name)
    change_type = change_set_type(status, stack_name)
    previous = _previous_parameters(cloudformation, stack_name) if change_type == "UPDATE" else set()
    values = {names.ARTIFACT_BUCKET_PARAMETER: bucket, **code_parameters(stack, keys), **request.parameters}
    parameters = parameter_list(values, template["Parameters"], previous, change_type)

    reporter.step(f"creating a change set ({change_type}) for {stack_name}")
    change_set = create_change_set(
        cloudformation,
        stack_name=stack_name,
        template_url=template_url,
        parameters=parameters,
        change_type=change_type,
        tags={"project": stack.name, "stage": request.stage, "managed-by": "ops"},
        poll_seconds=request.poll_seconds,
    )
    reporter.show_changes(change_set)
    if change_set.empty:
        discard(cloudformation, change_set)
        outputs = stack_outputs(cloudformation, stack_name) if change_type == "UPDATE" else {}
        return DeployResult(stack_name, "no-changes", outputs, change_set, zips)
    if request.dry_run:
        discard(cloudformation, change_set)
        return DeployResult(stack_name, "dry-run", {}, change_set, zips)
    if not request.yes and not reporter.confirm(f"Execute these {len(change_set.changes)} changes on {stack_name}?"):
        discard(cloudformation, change_set)
        return DeployResult(stack_name, "cancelled", {}, change_set, zips)

    seen: set[str] = set()
    events_since(cloudformation, stack_name, seen)
    cloudformation.execute_change_set(ChangeSetName=change_set.id, StackName=stack_name)
    reporter.step("executing the change set")
    wait_for_stack(
        cloudformation,
        stack_name,
        seen=seen,
        on_event=reporter.event,
        on_status=reporter.status,
        poll_seconds=request.poll_seconds,
    )
    return DeployResult(stack_name, "deployed", stack_outputs(cloudformation, stack_name), change_set, zips)


def _previous_parameters(cloudformation: Any, stack_name: str) -> set[str]:
    stack = cloudformation.describe_stacks(StackName=stack_name)["Stacks"][0]
    return {p["ParameterKey"] for p in stack.get("Parameters", [])}
