"""`ops logs`: the functions' logs, by function or by one request's correlation id.

The same FilterLogEvents calls read AWS (the deployed stack of ``--stage``) and the local twin
(``--info-file``; the twin writes each function's output to its ``/aws/lambda/...`` group).
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from ops.conventions import (
    BadInput,
    EndpointUrlOption,
    FormatOption,
    InfoFileOption,
    ProfileOption,
    RegionOption,
    StageOption,
    emit,
)

LEVEL_NAMES = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def logs(
    function: Annotated[
        str | None, typer.Option("--function", help="The function whose lines to show (model name, e.g. chat).")
    ] = None,
    correlation_id: Annotated[
        str | None,
        typer.Option(
            "--correlation-id",
            help="One request's lines from every function it touched, in time order (the correlation_id of a "
            "line, an API request id, or a Lambda request id).",
        ),
    ] = None,
    since: Annotated[str, typer.Option("--since", help="How far back (30s, 10m, 2h, 1d).")] = "10m",
    follow: Annotated[bool, typer.Option("--follow", help="Keep printing new lines until Ctrl-C.")] = False,
    level: Annotated[
        str | None, typer.Option("--level", help="Only lines this severe or more (DEBUG, INFO, WARNING, ERROR).")
    ] = None,
    filter_text: Annotated[str | None, typer.Option("--filter", help="Only lines containing this text.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many lines per function.")] = 2000,
    stage: StageOption = "dev",
    region: RegionOption = None,
    profile: ProfileOption = None,
    endpoint_url: EndpointUrlOption = None,
    info_file: InfoFileOption = None,
    fmt: FormatOption = "table",
) -> None:
    """Show the functions' log lines readably (time, function, level, message, the fields that matter), or
    raw with --format json.

    Pass --function NAME for one function's lines (--since, --level, --filter, --follow), or --correlation-id
    ID for one request's lines across every function it touched. Lambda's own lines (START, END, REPORT with
    the duration, uncaught errors) are included; metric documents (EMF) are not.
    """
    from infra import STACK

    from ops.commands.monitoring import target_of
    from ops.logs.search import Query, by_correlation_id, level_term, quoted, search
    from ops.logs.window import TargetClock, parse_since

    if function is None and correlation_id is None:
        raise BadInput("pass --function NAME (one function's lines) or --correlation-id ID (one request's lines)")
    wanted_level = _level(level)
    seconds = parse_since(since)
    known = [f.name for f in STACK.functions]
    aws, target = target_of(stage, info_file, region, endpoint_url, profile)
    groups = {f.name: target.log_group(f) for f in STACK.functions}
    if function is not None:
        chosen = _function(function, known, {name: target.function_names[name] for name in known})
        groups = {chosen: groups[chosen]}
    clock = TargetClock.of(aws.info)
    end_ms = int(clock.wall(clock.now()) * 1000) + 1
    start_ms = end_ms - int(clock.wall_span(seconds) * 1000) - 1
    term = quoted(filter_text) if filter_text else level_term(wanted_level)
    query = Query(groups, start_ms, end_ms, term=term, level=wanted_level, text=filter_text, limit=limit)
    client = aws.client("logs")
    if follow:
        _follow(client, query, correlation_id, fmt)
        return
    found = by_correlation_id(client, query, correlation_id) if correlation_id else search(client, query)
    _report(found, fmt, function, correlation_id, since)


def _level(level: str | None) -> str | None:
    if level is None:
        return None
    upper = level.upper()
    if upper == "WARN":
        upper = "WARNING"
    if upper not in LEVEL_NAMES:
        raise BadInput(f"--level {level!r}: use one of {', '.join(LEVEL_NAMES)}")
    return upper


def _function(name: str, known: list[str], physical: dict[str, str]) -> str:
    """The model name of ``name`` (a model name or the deployed function's name); exit 2 otherwise."""
    if name in known:
        return name
    for model_name, deployed in physical.items():
        if name == deployed:
            return model_name
    raise BadInput(f"no function {name!r} (known: {', '.join(known)})")


def _follow(client: Any, query: Any, correlation_id: str | None, fmt: str) -> None:
    from dataclasses import replace

    from rich.console import Console

    from ops.logs.render import print_lines
    from ops.logs.search import follow, quoted

    if correlation_id:
        query = replace(query, term=quoted(correlation_id))
    console = Console(highlight=False)
    Console(stderr=True).print("[dim]following; Ctrl-C to stop[/]")
    follow(client, query, lambda lines: print_lines(lines, fmt, console))


def _report(found: Any, fmt: str, function: str | None, correlation_id: str | None, since: str) -> None:
    from rich.text import Text

    from ops.logs.render import readable

    data = {
        "function": function,
        "correlation_id": correlation_id,
        "since": since,
        "lines": [line.as_dict() for line in found.lines],
        "truncated": found.truncated,
        "functions_without_logs": found.missing_groups,
    }

    def human() -> list[Any]:
        shown: list[Any] = [Text.from_markup(readable(line, show_ids=correlation_id is None)) for line in found.lines]
        if not found.lines:
            what = f"correlation id {correlation_id}" if correlation_id else f"function {function}"
            shown.append(f"[yellow]no lines[/] for {what} in the last {since} (widen --since, check the id)")
        elif correlation_id:
            touched = sorted({line.function for line in found.lines})
            shown.append(f"[dim]{len(found.lines)} lines from {', '.join(touched)}[/]")
        if found.truncated:
            shown.append(
                f"[yellow]more lines than --limit in:[/] {', '.join(found.truncated)}: the latest are shown "
                "(narrow --since or --filter)"
            )
        return shown

    emit(data, fmt, human=human)
