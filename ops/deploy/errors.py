"""The deploy errors the CLI turns into a message and a non-zero exit."""

from __future__ import annotations


class DeployError(RuntimeError):
    """A deploy, package or stack operation failed; the message says what and where."""


class StackFailed(DeployError):
    """CloudFormation rolled back or failed; names the failing resource and its reason."""

    def __init__(self, message: str, *, logical_id: str | None = None, reason: str | None = None) -> None:
        super().__init__(message)
        self.logical_id = logical_id
        self.reason = reason


def describe_error(error: BaseException) -> str:
    """A one-line, human-readable description of ``error`` (no traceback) for the CLI."""
    from botocore.exceptions import ClientError, NoCredentialsError, NoRegionError

    if isinstance(error, DeployError):
        return str(error)
    if isinstance(error, ClientError):
        info = error.response.get("Error", {})
        operation = getattr(error, "operation_name", "call")
        return f"AWS refused {operation}: {info.get('Code', 'Error')}: {info.get('Message', str(error))}"
    if isinstance(error, NoCredentialsError):
        return "no AWS credentials found: configure a profile or set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY"
    if isinstance(error, NoRegionError):
        return "no AWS region: pass --region or set AWS_REGION"
    return f"{type(error).__name__}: {error}"
