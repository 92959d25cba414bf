"""The `ops` commands the guides show, read from their fenced code blocks, and what a guide says
about running them (docs/contributing.md, "Writing guides").

A command is a line of a fenced block (not a ``markdown`` one, which shows guide text) that
starts with ``ops`` or ``.venv/bin/ops`` (a trailing
``\\`` continues it on the next line; ``# ...`` ends it; a trailing ``&`` starts it in the
background). An HTML comment right before the block's opening fence tells the test how to treat
every command of the block:

``<!-- guide: needs-aws: REASON -->``
    needs a real AWS account: not run, only checked against the CLI (the command and each
    option it names exist).
``<!-- guide: long-running: REASON -->``
    starts something that keeps running (a server, a demo, ``--watch``, ``--follow``): started
    in a directory of its own, with any ``--port`` given a free port; it must still be running
    after a startup period (or have exited 0), then it is stopped.
``<!-- guide: synopsis -->``
    a usage summary (``[optional]`` parts, ``NAME`` placeholders): checked against the CLI only.
``<!-- guide: exit N: REASON -->``
    run, and exit code N is what the guide shows (a gate that fails on purpose).

Without a marker a command is run against the local twin and must exit 0.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
KINDS = ("needs-aws", "long-running", "synopsis", "exit")
MARKER = re.compile(r"^<!--\s*guide:\s*(?P<kind>[a-z-]+)(?:\s+(?P<code>\d+))?\s*(?::\s*(?P<reason>.*?))?\s*-->$")
FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>```+|~~~+)")
COMMAND = re.compile(r"^(?:\$\s+)?(?:\.venv/bin/)?ops(?:\s|$)")
OPTION = re.compile(r"(?<![\w/.:=-])(--?[A-Za-z][\w-]*)")


def guide_files(root: Path = ROOT) -> list[Path]:
    """README.md and every docs/*.md."""
    return [root / "README.md", *sorted((root / "docs").glob("*.md"))]


@dataclass(frozen=True)
class Marker:
    """What a guide says about a block's commands (see the module doc)."""

    kind: str
    reason: str = ""
    exit_code: int = 0


@dataclass(frozen=True)
class GuideCommand:
    """One `ops` command of a guide, where it is, and its block's marker."""

    path: Path
    line: int
    text: str
    marker: Marker | None = None
    background: bool = False

    @property
    def where(self) -> str:
        """``docs/cost.md:21``."""
        try:
            name = self.path.relative_to(ROOT)
        except ValueError:
            name = self.path
        return f"{name}:{self.line}"

    @property
    def kind(self) -> str:
        """``run`` (no marker), or the marker's kind."""
        return self.marker.kind if self.marker else "run"

    def argv(self) -> list[str]:
        """The command's words after ``ops`` (comments and a trailing ``&`` removed)."""
        words = shlex.split(self.text, comments=True)
        while words and words[0] in ("$",):
            words = words[1:]
        return words[1:]


class GuideError(ValueError):
    """A guide's markers or blocks cannot be read; the message says where."""


def parse_marker(text: str, where: str) -> Marker:
    """Read ``<!-- guide: KIND[ N]: REASON -->``; GuideError naming ``where`` otherwise."""
    match = MARKER.match(text.strip())
    if match is None:
        raise GuideError(f"{where}: not a guide marker: {text.strip()!r} (see docs/contributing.md)")
    kind, reason, code = match["kind"], (match["reason"] or "").strip(), match["code"]
    if kind not in KINDS:
        raise GuideError(f"{where}: unknown guide marker {kind!r} (known: {', '.join(KINDS)})")
    if kind in ("needs-aws", "long-running", "exit") and not reason:
        raise GuideError(f"{where}: the {kind} marker needs a reason: <!-- guide: {kind}: why -->")
    if kind == "exit":
        if code is None:
            raise GuideError(f"{where}: the exit marker needs the code: <!-- guide: exit 1: why -->")
        return Marker(kind, reason, int(code))
    return Marker(kind, reason)


def extract(path: Path) -> list[GuideCommand]:
    """Every `ops` command of the fenced blocks of ``path``.

    Raises
    ------
    GuideError
        An unknown or reasonless marker, a marker not followed by a block, an unclosed block,
        or an `ops` command in an indented code block (write it in a fenced block, so it is run).
    """
    lines = path.read_text().splitlines()
    commands: list[GuideCommand] = []
    pending: tuple[Marker, int] | None = None
    fence: str | None = None
    marker: Marker | None = None
    current: list[str] = []
    start = block_start = 0
    quoted = False
    previous_blank = True
    for number, raw in enumerate(lines, start=1):
        where = f"{path.name}:{number}"
        stripped = raw.strip()
        opened = FENCE.match(raw)
        if fence is None:
            if stripped.startswith("<!--") and "guide:" in stripped:
                pending = (parse_marker(stripped, where), number)
            elif opened:
                fence = opened["fence"]
                block_start = number
                # A markdown block shows guide text (a marker, a fence): its lines are not commands.
                quoted = raw[opened.end() :].strip().lower() in ("markdown", "md")
                marker = pending[0] if pending else None
                pending = None
            elif stripped and pending is not None:
                raise GuideError(f"{path.name}:{pending[1]}: a guide marker must come right before a fenced block")
            elif raw.startswith("    ") and previous_blank and COMMAND.match(stripped):
                raise GuideError(f"{where}: an `ops` command in an indented block: use a fenced block so it is tested")
            previous_blank = not stripped or (previous_blank and raw.startswith("    "))
            continue
        if stripped.startswith(fence) and stripped.strip("`~") == "":
            fence = None
            continue
        if quoted:
            continue
        if current:
            current.append(stripped)
        elif COMMAND.match(stripped):
            current, start = [stripped], number
        elif raw[:1].isspace() and stripped.startswith("[") and commands and commands[-1].line >= block_start:
            # A synopsis wraps its optional parts onto indented lines.
            last = commands.pop()
            commands.append(GuideCommand(path, last.line, f"{last.text} {stripped}", marker, last.background))
            continue
        if current and not current[-1].endswith("\\"):
            text = " ".join(part.rstrip("\\").strip() for part in current)
            background = bool(re.search(r"\s&\s*(#.*)?$", text))
            if background:
                text = re.sub(r"\s&\s*(#.*)?$", "", text)
            commands.append(GuideCommand(path, start, text, marker, background))
            current = []
    if fence is not None:
        raise GuideError(f"{path.name}: a fenced block is not closed")
    if pending is not None:
        raise GuideError(f"{path.name}:{pending[1]}: a guide marker must come right before a fenced block")
    return commands


def cli_problems(command: GuideCommand, root_command: Any) -> list[str]:
    """What in ``command`` the CLI does not have: an unknown command, or an option the command
    does not take. ``root_command`` is the click command of `ops` (typer.main.get_command)."""
    words = re.sub(r"\s#.*$", "", command.text).split()
    words = words[1:]  # "ops"
    current = root_command
    path = ["ops"]
    for word in list(words):
        if not hasattr(current, "list_commands"):
            break
        if word.startswith("-") or not re.fullmatch(r"[a-z][a-z0-9-]*", word):
            break
        ctx = current.make_context(path[-1], [], resilient_parsing=True)
        sub = current.get_command(ctx, word)
        if sub is None:
            return [f"`{' '.join(path)} {word}`: no such command"]
        current = sub
        path.append(word)
        words = words[1:]
    known = {opt for param in current.params for opt in (*param.opts, *param.secondary_opts)} | {"--help"}
    problems = []
    for token in OPTION.findall(" ".join(words)):
        name = token.split("=", 1)[0]
        if name not in known:
            problems.append(f"`{' '.join(path)}` has no option {name}")
    return problems


# Names the guides give the local twin's info file; the test writes its twin's there.
INFO_FILE_NAMES = ("twin.json", "i.json", "info.json")
# An endpoint on this machine in a guide stands for the twin's embedded AWS.
LOCAL_ENDPOINT = re.compile(r"http://(?:127\.0\.0\.1|localhost):\d+")
PORT_OPTION = re.compile(r"(--port[ =])(\d+)")


@dataclass(frozen=True)
class Runner:
    """How to run a guide's commands: the `ops` console script, a working directory holding
    what the guides name (examples/, warmup.yaml, the twin's info file under its placeholder
    names), the twin's AWS endpoint, and an environment without any AWS account."""

    ops: Path
    workdir: Path
    endpoint_url: str
    env: dict[str, str]
    timeout_s: float = 240
    startup_s: float = 12

    def words(self, command: GuideCommand, port: int | None = None) -> list[str]:
        """The command line to run: the guide's, with the twin's endpoint and a free port."""
        text = LOCAL_ENDPOINT.sub(self.endpoint_url, command.text)
        if port is not None:
            text = PORT_OPTION.sub(lambda m: f"{m[1]}{port}", text)
        return [str(self.ops), *GuideCommand(command.path, command.line, text).argv()]

    def run(self, command: GuideCommand) -> str | None:
        """Run one command as its marker says; None when it did what the guide shows, else why not."""
        import subprocess

        if command.background or command.kind == "long-running":
            return self._start(command)
        expected = command.marker.exit_code if command.marker and command.kind == "exit" else 0
        try:
            done = subprocess.run(
                self.words(command),
                cwd=self.workdir,
                env=self.env,
                capture_output=True,
                text=True,
                timeout=self.timeout_s,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return f"{command.where}: `{command.text}` did not finish in {self.timeout_s:.0f} s"
        if done.returncode != expected:
            tail = "\n    ".join((done.stderr or done.stdout).strip().splitlines()[-6:])
            return f"{command.where}: `{command.text}` exited {done.returncode} (expected {expected}):\n    {tail}"
        return None

    def _start(self, command: GuideCommand) -> str | None:
        import os
        import shutil
        import signal
        import socket
        import subprocess
        import tempfile

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        own = Path(tempfile.mkdtemp(prefix="guide-", dir=self.workdir.parent))
        for name in ("examples", "warmup.yaml"):
            source = self.workdir / name
            if source.is_dir():
                shutil.copytree(source, own / name)
            elif source.exists():
                shutil.copy(source, own / name)
        process = subprocess.Popen(
            self.words(command, port),
            cwd=own,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        try:
            process.wait(timeout=self.startup_s)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGINT)  # as Ctrl-C would
            try:
                process.communicate(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.communicate()
            return None  # still running after its start: what the guide shows
        output = process.stdout.read() if process.stdout else ""
        if process.returncode != 0:
            tail = "\n    ".join(output.strip().splitlines()[-6:])
            return f"{command.where}: `{command.text}` stopped during its start, exit {process.returncode}:\n    {tail}"
        return None
