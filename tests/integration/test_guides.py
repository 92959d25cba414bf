"""Guides that cannot rot: every `ops` command in the fenced code blocks of README.md and
docs/*.md is run, as the user would run it (the `ops` console script, a whole process, no AWS
account), against one local twin, or treated as its block's marker says (docs/contributing.md,
"Writing guides"). Every command, run or not, must name a command and options the CLI has."""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from typer.main import get_command

from ops.cli import app
from ops.local.twin import Twin, TwinConfig
from tests.support.guides import (
    INFO_FILE_NAMES,
    ROOT,
    GuideCommand,
    GuideError,
    Runner,
    cli_problems,
    extract,
    guide_files,
)

pytestmark = pytest.mark.integration
OPS = Path(sys.executable).parent / "ops"
CLI = get_command(app)
# Guides run side by side: each command is a process that mostly waits on the twin.
WORKERS = 3


def _commands() -> list[GuideCommand]:
    found: list[GuideCommand] = []
    for path in guide_files():
        try:
            found += extract(path)
        except GuideError:
            continue  # test_every_guide_can_be_read reports it
    return found


COMMANDS = _commands()


def _no_account_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_CONFIG_FILE=os.devnull + ".absent",
        AWS_SHARED_CREDENTIALS_FILE=os.devnull + ".absent",
        AWS_EC2_METADATA_DISABLED="true",
        NO_COLOR="1",
    )
    return env


@pytest.fixture(scope="module")
def runner(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runner]:
    """One twin for every guide; a working directory with what the guides name."""
    workdir = tmp_path_factory.mktemp("guides") / "work"
    workdir.mkdir()
    shutil.copytree(ROOT / "examples", workdir / "examples")
    shutil.copy(ROOT / "warmup.yaml", workdir / "warmup.yaml")
    (workdir / "docs").mkdir()
    (workdir / "build").mkdir()
    with Twin(TwinConfig(port=0, flush_interval_s=0.5)) as twin:
        # Some traffic before the guides run, so that the commands reading the twin's metrics
        # (cost export and projection) find datapoints even when the canary's first run is late
        # on a loaded machine.
        with httpx.Client(base_url=twin.info.rest_url, timeout=30) as http:
            for _ in range(5):
                http.get("/health")
        twin.flush()
        for name in INFO_FILE_NAMES:
            (workdir / name).write_text(json.dumps(twin.info.as_dict()))
        yield Runner(OPS, workdir, twin.info.aws_endpoint_url, _no_account_env())


def test_every_guide_can_be_read() -> None:
    problems = []
    for path in guide_files():
        try:
            extract(path)
        except GuideError as error:
            problems.append(str(error))
    assert not problems, "\n".join(problems)
    assert len(COMMANDS) >= 30


@pytest.mark.parametrize("command", COMMANDS, ids=[f"{c.where} {c.kind}" for c in COMMANDS])
def test_the_command_and_its_options_exist(command: GuideCommand) -> None:
    problems = cli_problems(command, CLI)
    assert not problems, f"{command.where}: " + "; ".join(problems)


def test_every_command_of_the_guides_does_what_they_show(runner: Runner) -> None:
    """Each guide's commands in document order (a later command may use what an earlier one
    made); guides side by side, and each long-running command on its own, in its own directory."""
    runnable = [c for c in COMMANDS if c.kind not in ("needs-aws", "synopsis")]
    alone = [c for c in runnable if c.background or c.kind == "long-running"]
    by_guide: dict[Path, list[GuideCommand]] = {}
    for command in runnable:
        if command not in alone:
            by_guide.setdefault(command.path, []).append(command)
    timings: list[tuple[float, GuideCommand]] = []

    def run_all(commands: list[GuideCommand]) -> list[str]:
        failures = []
        for command in commands:
            started = time.monotonic()
            failure = runner.run(command)
            timings.append((time.monotonic() - started, command))
            if failure:
                failures.append(failure)
        return failures

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        batches = [*by_guide.values(), *([command] for command in alone)]
        results = list(pool.map(run_all, batches))
    failures = [failure for batch in results for failure in batch]
    for seconds, command in sorted(timings, key=lambda t: t[0], reverse=True)[:5]:
        print(f"{seconds:5.1f} s  {command.where}  {command.text}")
    assert len(timings) >= 20
    assert not failures, f"{len(failures)} of {len(timings)} guide commands fail:\n" + "\n".join(failures)


def test_a_broken_guide_is_reported(runner: Runner, tmp_path: Path) -> None:
    guide = tmp_path / "guide.md"
    guide.write_text(
        "Text.\n\n```sh\n"
        "ops cost estimate --usage examples/usage/free.yaml   # works\n"
        "ops cost estimate --usage examples/usage/none.yaml   # no such file\n"
        "ops cost idle --stage dev --no-such-option\n"
        "ops nosuch command\n"
        "```\n\n<!-- guide: needs-aws: deploys a stack -->\n```sh\nops deploy --stage dev\n```\n"
        # What the README showed until the guides were tested: the twin serves no /aws path.
        "\n```sh\nops cost project --cloudwatch --endpoint-url http://127.0.0.1:8080/aws --days 1 "
        "--active-users 20 --stage dev\n```\n"
    )
    commands = extract(guide)
    assert [c.kind for c in commands] == ["run", "run", "run", "run", "needs-aws", "run"]
    assert runner.run(commands[0]) is None
    failure = runner.run(commands[1])
    assert failure is not None and "guide.md:5" in failure and "exited 2" in failure and "none.yaml" in failure
    assert cli_problems(commands[2], CLI) == ["`ops cost idle` has no option --no-such-option"]
    assert cli_problems(commands[3], CLI) == ["`ops nosuch`: no such command"]
    assert commands[4].marker is not None and commands[4].marker.reason == "deploys a stack"
    failure = runner.run(commands[5])
    assert failure is not None and "guide.md:16" in failure and "exited 3" in failure


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("<!-- guide: needs-aws -->\n```sh\nops deploy\n```\n", "needs a reason"),
        ("<!-- guide: flaky: because -->\n```sh\nops deploy\n```\n", "unknown guide marker 'flaky'"),
        ("<!-- guide: needs-aws: x -->\n\nSome text.\n```sh\nops deploy\n```\n", "right before a fenced block"),
        ("Text.\n\n    ops cost idle --stage dev\n", "indented block"),
        ("<!-- guide: exit: why -->\n```sh\nops deploy\n```\n", "needs the code"),
    ],
)
def test_markers_are_checked(tmp_path: Path, text: str, message: str) -> None:
    guide = tmp_path / "guide.md"
    guide.write_text(text)
    with pytest.raises(GuideError, match=message):
        extract(guide)
