"""The CloudFormation template of the stack, built as plain dicts from the stack model.

``synthesize(STACK, "dev")`` returns the template; ``template_json`` its deterministic text.
Each resource family has its own module (table, bucket, auth, functions, rest_api, gateway,
waf, websocket_api, topic, kms, domain, web, outputs); contributors add dashboards, alarms and
warm-up schedules (see ``infra.template.contributors``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from infra.model import Stack
from infra.template import (
    auth,
    bucket,
    domain,
    functions,
    kms,
    outputs,
    parameters,
    rest_api,
    schedules,
    table,
    topic,
    waf,
    web,
    websocket_api,
)
from infra.template.context import SynthContext
from infra.template.contributors import Contributor
from infra.template.errors import TemplateError

__all__ = [
    "Contributor",
    "TemplateError",
    "synthesize",
    "template_json",
]

_CORE_PARTS = (
    kms.resources,
    table.resources,
    bucket.resources,
    auth.resources,
    topic.resources,
    functions.resources,
    schedules.resources,
    rest_api.resources,
    waf.resources,
    websocket_api.resources,
    domain.resources,
    web.resources,
)


def _merge(into: dict[str, Any], part: dict[str, Any], source: str) -> None:
    for logical_id, resource in part.items():
        if logical_id in into:
            raise TemplateError(f"{source} adds resource {logical_id!r}, which already exists")
        if not logical_id.isalnum():
            raise TemplateError(f"{source} adds resource {logical_id!r}: logical ids are alphanumeric")
        into[logical_id] = resource


def _dependencies_first(resources: dict[str, Any]) -> dict[str, Any]:
    """``resources`` reordered so each comes after everything in its ``DependsOn`` (otherwise in
    insertion order). CloudFormation ignores the order; moto's change sets create resources in
    template order, ignoring DependsOn, so the order matters there."""
    ordered: dict[str, Any] = {}

    def visit(logical_id: str, path: tuple[str, ...]) -> None:
        if logical_id in ordered:
            return
        if logical_id in path:
            raise TemplateError(f"DependsOn cycle: {' -> '.join((*path, logical_id))}")
        depends = resources[logical_id].get("DependsOn", [])
        for dependency in [depends] if isinstance(depends, str) else depends:
            if dependency not in resources:
                raise TemplateError(f"{logical_id} depends on {dependency!r}, which is not in the template")
            visit(dependency, (*path, logical_id))
        ordered[logical_id] = resources[logical_id]

    for logical_id in resources:
        visit(logical_id, ())
    return ordered


def synthesize(
    stack: Stack,
    stage: str,
    *,
    contributors: Iterable[Contributor] = (),
    code_hashes: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The CloudFormation template of ``stack`` for ``stage`` (a stage of ``stack.stages``).

    ``contributors`` add their resources after the core's, in the order given. ``code_hashes``
    maps each ``CodeKey...`` parameter to the SHA-256 of the zip deployed under it; without it
    the backend's source files are hashed, so every function's published version changes
    exactly when its code or configuration does. Raises TemplateError when the model cannot be
    expressed (duplicate ids, a permission on a resource the stack lacks) and KeyError for an
    unknown stage.
    """
    ctx = SynthContext(stack=stack, stage=stack.stage(stage), code_hashes=dict(code_hashes or {}))
    resources: dict[str, Any] = {}
    for part in _CORE_PARTS:
        _merge(resources, part(ctx), part.__module__)
    for contributor in contributors:
        _merge(resources, contributor(stack, stage), getattr(contributor, "__qualname__", repr(contributor)))
    ordered = _dependencies_first(resources)
    stack_outputs = outputs.outputs(ctx)
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": f"{stack.name} ({stage}): serverless chat platform, generated from the stack model",
        "Parameters": parameters.parameters(ctx),
        "Conditions": _used(parameters.conditions(ctx), ordered, stack_outputs),
        "Resources": ordered,
        "Outputs": stack_outputs,
    }


def _used(conditions: dict[str, Any], *parts: Any) -> dict[str, Any]:
    """The conditions something refers to (a ``Condition`` key or ``Fn::If``): a contributor may
    leave one unused (the alarm budget drops the alarms on CloudFront's metrics in dev)."""
    text = json.dumps(parts)
    return {name: value for name, value in conditions.items() if f'"{name}"' in text}


def template_json(template: dict[str, Any], *, compact: bool = False) -> str:
    """``template`` as JSON text, keeping its (deterministic) key order; two-space indent and
    a final newline, or no whitespace at all with ``compact`` (to upload)."""
    if compact:
        return json.dumps(template, separators=(",", ":"))
    return json.dumps(template, indent=2) + "\n"
