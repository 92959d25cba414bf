"""The conventions every `ops` command shares: options, AWS clients, errors and output.

A reader learns them once (the way the AWS CLI shares its global options):

- ``options``: ``--stage``, ``--region``, ``--profile``, ``--endpoint-url``, ``--info-file``,
  ``--format`` and ``--output``, each with one meaning and one help text;
- ``aws``: one factory of boto3 clients (profile, region, endpoint, retries, the local twin
  through its info file);
- ``errors``: one error boundary and its exit codes (2 bad input, 3 AWS unreachable or
  refusing, 1 a failed gate or verification; a bug keeps its traceback);
- ``output``: ``emit()``, which prints a result in the format asked for, or writes it to a file.
"""

from ops.conventions.aws import Aws, connect, read_info
from ops.conventions.errors import (
    EXIT_AWS,
    EXIT_BAD_INPUT,
    EXIT_FAILED,
    AwsFailure,
    BadInput,
    Failed,
    boundary,
)
from ops.conventions.options import (
    STAGES,
    EndpointUrlOption,
    Format,
    FormatOption,
    InfoFileOption,
    OutputOption,
    ProfileOption,
    RegionOption,
    StageOption,
    TabularFormatOption,
    check_stage,
    format_option,
)
from ops.conventions.output import emit, emit_text
from ops.conventions.typer_app import OpsGroup, ops_app

__all__ = [
    "EXIT_AWS",
    "EXIT_BAD_INPUT",
    "EXIT_FAILED",
    "STAGES",
    "Aws",
    "AwsFailure",
    "BadInput",
    "EndpointUrlOption",
    "Failed",
    "Format",
    "FormatOption",
    "InfoFileOption",
    "OpsGroup",
    "OutputOption",
    "ProfileOption",
    "RegionOption",
    "StageOption",
    "TabularFormatOption",
    "boundary",
    "check_stage",
    "connect",
    "emit",
    "emit_text",
    "format_option",
    "ops_app",
    "read_info",
]
