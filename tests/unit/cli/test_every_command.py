"""Every `ops` command, walked through click: the shared options mean one thing and say so in
one text; `--format` offers the shared names; help texts flow as paragraphs; the root's lazy
help lines are the commands' own."""

from __future__ import annotations

import inspect
import textwrap
from collections.abc import Iterator
from typing import Any

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from ops.cli import Ops, app
from ops.conventions import Format
from ops.conventions import options as shared

SHARED_HELP = {
    "--stage": shared.STAGE_HELP,
    "--region": shared.REGION_HELP,
    "--profile": shared.PROFILE_HELP,
    "--endpoint-url": shared.ENDPOINT_URL_HELP,
    "--info-file": shared.INFO_FILE_HELP,
    "--format": shared.FORMAT_HELP,
    "--output": shared.OUTPUT_HELP,
}
# Spellings the conventions replaced; none may come back.
RETIRED = {"--json", "--endpoint", "--out-file"}


def _walk(command: Any, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Any]]:
    ctx = command.make_context(path[-1] if path else "ops", [], resilient_parsing=True)
    names = command.list_commands(ctx) if hasattr(command, "list_commands") else None
    if names is None:
        yield path, command
        return
    for name in names:
        yield from _walk(command.get_command(ctx, name), (*path, name))


ROOT = get_command(app)
COMMANDS = list(_walk(ROOT, ()))
IDS = [" ".join(path) for path, _ in COMMANDS]


def test_every_group_is_walked() -> None:
    groups = {path[0] for path, _ in COMMANDS}
    assert groups == set(Ops.lazy)
    assert len(COMMANDS) >= 25


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=IDS)
def test_shared_options_have_the_shared_meaning(path: tuple[str, ...], command: Any) -> None:
    options = {opt: param for param in command.params for opt in getattr(param, "opts", [])}
    for name, text in SHARED_HELP.items():
        if name in options:
            assert options[name].help == text, f"ops {' '.join(path)} {name}: not the shared help text"
    assert not RETIRED & set(options), f"ops {' '.join(path)} still has {RETIRED & set(options)}"
    if "--endpoint-url" in options:
        assert "--profile" in options, f"ops {' '.join(path)}: AWS options come together"
    if "--region" in options:
        assert {"--endpoint-url", "--profile"} <= set(options), f"ops {' '.join(path)}: AWS options come together"


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=IDS)
def test_format_offers_the_shared_names(path: tuple[str, ...], command: Any) -> None:
    fmt = next((p for p in command.params if "--format" in getattr(p, "opts", [])), None)
    if fmt is None:
        return
    descriptor = fmt.type_descriptor
    choices = {str(getattr(c, "value", c)) for c in descriptor.choices or ()}
    assert descriptor.is_choice, f"ops {' '.join(path)} --format is free text"
    assert "table" in choices
    assert "json" in choices
    assert choices <= {f.value for f in Format}, f"ops {' '.join(path)} --format: {choices}"
    assert fmt.default == "table"
    assert fmt.opts == ["--format", "-f"] or set(fmt.opts) == {"--format", "-f"}


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=IDS)
def test_help_flows_as_paragraphs(path: tuple[str, ...], command: Any) -> None:
    result = CliRunner().invoke(app, [*path, "--help"], terminal_width=80)
    assert result.exit_code == 0, result.output
    text = result.output
    description = text.split("\n\n", 1)[1].split("\nOptions:")[0].split("\nArguments:")[0]
    for paragraph in description.strip("\n").split("\n\n"):
        assert _flows(paragraph.splitlines()), f"ops {' '.join(path)} --help:\n{paragraph}"


def _flows(lines: list[str]) -> bool:
    """Whether a paragraph is wrapped to the width: every line but the last full enough that the
    next word would not have fitted (a docstring's hard line break leaves a short line)."""
    words = " ".join(line.strip() for line in lines)
    refilled = textwrap.wrap(words, width=78, break_on_hyphens=False, break_long_words=False)
    return [line.strip() for line in lines] == refilled


def test_the_check_catches_a_hard_line_break() -> None:
    assert not _flows(["  Write every alarm of STAGE as API arguments (the template's view of", "  the names)."])
    assert _flows(["  Write every alarm of STAGE as API arguments (the template's view of the", "  names)."])


@pytest.mark.parametrize("name", list(Ops.lazy))
def test_the_roots_help_lines_are_the_commands_own(name: str) -> None:
    command = ROOT.get_command(ROOT.make_context("ops", [], resilient_parsing=True), name)
    own = inspect.cleandoc(command.help or "").split("\n\n")[0]
    assert " ".join(own.split()) == Ops.lazy[name].help


def test_the_version_comes_from_the_package() -> None:
    from importlib.metadata import version

    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"ops (chat-platform) {version('chat-platform')}"


def test_literal_defaults_match_what_they_stand_for() -> None:
    """Defaults repeated in command modules (so that --help imports little) are the real ones."""
    from ops.commands import demo, local, warmup
    from ops.demo.scenario import Plan
    from ops.local import twin
    from ops.warmup import policy

    assert (local.DEFAULT_PORT, local.DEFAULT_CONCURRENCY, local.DEFAULT_CORS_ORIGINS) == (
        twin.DEFAULT_PORT,
        twin.DEFAULT_CONCURRENCY,
        twin.DEFAULT_CORS_ORIGINS,
    )
    plan = Plan()
    defaults = demo.Defaults
    assert (defaults.users, defaults.rounds, defaults.calls, defaults.uploads, defaults.seed) == (
        plan.users,
        plan.rounds,
        plan.calls,
        plan.uploads,
        plan.seed,
    )
    assert warmup.DEFAULT_PATH == policy.DEFAULT_PATH


# What a group's --help must not load (each costs a large share of the 3 x `import typer`
# budget of tests/bench/test_cli_start_bench.py): the AWS SDK, pandas, moto, the alarm model.
HEAVY_FOR_HELP = ("boto3", "botocore", "pandas", "moto", "alarms.rules")


@pytest.mark.parametrize("group", list(Ops.lazy))
def test_a_groups_help_loads_no_heavy_library(group: str) -> None:
    import json
    import subprocess
    import sys

    probe = (
        "import json, sys\n"
        "from typer.testing import CliRunner\n"
        "from ops.cli import app\n"
        f"result = CliRunner().invoke(app, [{group!r}, '--help'])\n"
        "assert result.exit_code == 0, result.output\n"
        f"print(json.dumps([m for m in {list(HEAVY_FOR_HELP)!r} if m in sys.modules]))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60)
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert loaded == [], f"`ops {group} --help` imports {loaded}: import them where the command runs"
