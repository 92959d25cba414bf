"""One error boundary for every `ops` command, and its exit codes.

- 2 (``BadInput``, click's usage errors): the input cannot be used; the message names the file,
  key or option at fault and what to do.
- 3 (``AwsFailure``, botocore's errors): AWS could not be reached or refused a call; the message
  names the service and the operation.
- 1 (``Failed``): a gate or verification failed (drift with ``--exit-code``, over budget, a
  stack rolled back, a message not delivered).
- 130: interrupted.

Anything else is a bug: it is not caught, so its traceback shows.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer

EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_AWS = 3
EXIT_INTERRUPTED = 130


class OpsError(Exception):
    """A failure the user can act on; the message says what is wrong and what to do next."""

    exit_code = EXIT_FAILED

    def __init__(self, message: str, *details: str) -> None:
        super().__init__(message)
        self.details = details


class BadInput(OpsError):
    """Input that cannot be used (a file, a key in it, an option); exit 2."""

    exit_code = EXIT_BAD_INPUT


class AwsFailure(OpsError):
    """AWS (or the endpoint standing in for it) could not be reached or refused; exit 3."""

    exit_code = EXIT_AWS


class Failed(OpsError):
    """A gate or a verification failed; exit 1."""

    exit_code = EXIT_FAILED


# The service and operation of the latest AWS call made through ``ops.conventions.aws``
# (botocore's ClientError names the operation only). A plain global, not a context variable:
# calls made in worker threads count too.
_last_call: list[tuple[str, str]] = []


def remember_call(model: Any, **_: Any) -> None:
    """botocore ``provide-client-params`` hook (a call's first event): remember the service and operation."""
    _last_call[:] = [(model.service_model.service_name, model.name)]


def _where(operation: str | None = None) -> str:
    called = _last_call[0] if _last_call else None
    if called is None:
        return operation or "a call"
    service, name = called
    if operation and operation != name:
        return operation
    return f"{service} {name}"


def _known_domain_error(error: BaseException) -> OpsError | None:
    """The domain errors of the kit's packages (which may not import ops), classified here."""

    # Looked up only when already imported: checking an error must not import a whole package.
    def loaded(module: str, name: str) -> type | None:
        found = sys.modules.get(module)
        return getattr(found, name, None) if found is not None else None

    bad_input = [
        loaded("alarms.config", "ThresholdsError"),
        loaded("kit.target", "TargetError"),
        loaded("dashboards.validate", "DashboardInvalid"),
        loaded("ops.cost.errors", "CostInputError"),
        loaded("ops.warmup.policy", "PolicyError"),
    ]
    for kind in filter(None, bad_input):
        if isinstance(error, kind):
            problems = [str(p) for p in getattr(error, "problems", ())]
            if problems:
                return BadInput(f"{len(problems)} problem(s) in the input:", *problems)
            return BadInput(str(error))
    failed = [loaded("ops.deploy.errors", "DeployError")]
    for kind in filter(None, failed):
        if isinstance(error, kind):
            return Failed(str(error))
    return None


def classify(error: BaseException) -> OpsError | None:
    """The ``OpsError`` that ``error`` amounts to for the user, or None for a bug."""
    if isinstance(error, OpsError):
        return error
    known = _known_domain_error(error)
    if known is not None:
        return known
    botocore = sys.modules.get("botocore.exceptions")
    if botocore is None:
        return None
    if isinstance(error, botocore.ClientError):
        info = error.response.get("Error", {})
        where = _where(getattr(error, "operation_name", None))
        return AwsFailure(f"AWS refused {where}: {info.get('Code', 'Error')}: {info.get('Message', error)}")
    if isinstance(error, botocore.NoRegionError):
        return BadInput("no AWS region: pass --region or set AWS_REGION")
    if isinstance(error, botocore.ProfileNotFound):
        return BadInput(f"{error} (check --profile and ~/.aws/config)")
    if isinstance(error, botocore.NoCredentialsError | botocore.PartialCredentialsError):
        return AwsFailure(
            f"cannot call {_where()}: no AWS credentials: pass --profile, set AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY, or target the local twin with --info-file / --endpoint-url"
        )
    if isinstance(error, botocore.EndpointConnectionError | botocore.ConnectionError):
        return AwsFailure(f"cannot reach AWS for {_where()}: {error} (check --endpoint-url, --region, the network)")
    if isinstance(error, botocore.ParamValidationError):
        return None  # we built the parameters: a bug
    if isinstance(error, botocore.BotoCoreError):
        return AwsFailure(f"AWS call {_where()} failed: {error}")
    return None


def report(problem: OpsError) -> None:
    """Print ``problem`` on standard error: one line, then its details indented."""
    from rich.console import Console
    from rich.markup import escape

    console = Console(stderr=True)
    console.print(f"[bold red]error:[/] {escape(str(problem))}", highlight=False, soft_wrap=True)
    for detail in problem.details:
        console.print(f"  - {escape(detail)}", highlight=False, soft_wrap=True)


@contextmanager
def boundary() -> Iterator[None]:
    """Turn a failure the user can act on into a message and its exit code; let bugs through.

    Every `ops` command runs inside it (``ops.conventions.typer_app.OpsGroup``); code that calls
    a command's function directly (the demo) can use it too.
    """
    _last_call.clear()
    try:
        yield
    except (typer.Exit, typer.Abort, typer.TyperException):  # usage errors are click's (exit 2)
        raise
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except Exception as error:
        problem = classify(error)
        if problem is None:
            raise
        report(problem)
        raise typer.Exit(problem.exit_code) from None
