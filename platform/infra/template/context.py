"""What every part of the template is built from: the stack model and the stage."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from infra.model import Stack, StageSettings
from infra.template import names


@dataclass(frozen=True)
class SynthContext:
    """The stack model and the stage settings being synthesized."""

    stack: Stack
    stage: StageSettings
    # SHA-256 of each built zip by its ``CodeKey...`` parameter (``ops deploy``); empty: the
    # backend's source files stand in (see ``infra.template.code_hash``).
    code_hashes: Mapping[str, str] = field(default_factory=dict)

    @property
    def prefix(self) -> str:
        """Prefix of physical names in this stage (the stack name, ``chat-platform-dev``)."""
        return names.stack_name(self.stack, self.stage.name)

    def retention_policy(self) -> dict[str, str]:
        """Deletion and update-replace policy of data resources: Retain where the stage protects data."""
        policy = "Retain" if self.stage.protect_data else "Delete"
        return {"DeletionPolicy": policy, "UpdateReplacePolicy": policy}

    @property
    def customer_managed_key(self) -> bool:
        """Whether the stage's cost profile has the stack's own KMS key (``names.DATA_KEY``);
        without it every service encrypts with its AWS owned or AWS managed key."""
        return self.stage.cost.customer_managed_key

    def has_websocket(self) -> bool:
        """Whether any function serves a WebSocket route (no routes: no WebSocket API)."""
        return any(f.websocket_routes for f in self.stack.functions)
