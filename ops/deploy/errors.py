"""The deploy errors; the CLI's error boundary (``ops.conventions.errors``) turns them into a message and exit 1."""

from __future__ import annotations


class DeployError(RuntimeError):
    """A deploy, package or stack operation failed; the message says what and where."""


class StackFailed(DeployError):
    """CloudFormation rolled back or failed; names the failing resource and its reason."""

    def __init__(self, message: str, *, logical_id: str | None = None, reason: str | None = None) -> None:
        super().__init__(message)
        self.logical_id = logical_id
        self.reason = reason
