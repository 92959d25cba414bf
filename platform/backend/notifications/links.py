"""AWS console links for a notification: the alarm, the dashboard, a Logs Insights query over
the minutes around the state change, and the X-Ray traces of the function."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

LOGS_QUERY = (
    "fields @timestamp, level, message, exception, @requestId\n"
    "| filter level = 'ERROR' or @message like /Task timed out|Runtime\\.|Traceback/\n"
    "| sort @timestamp desc\n"
    "| limit 100"
)
WINDOW_BEFORE = dt.timedelta(minutes=30)
WINDOW_AFTER = dt.timedelta(minutes=5)


def console(region: str) -> str:
    """The CloudWatch console home of ``region``."""
    return f"https://{region}.console.aws.amazon.com/cloudwatch/home?region={region}"


def _escape(value: str) -> str:
    # The console's own encoding inside its fragment: percent-escapes written with '*'.
    return quote(value, safe="").replace("~", "%7E").replace("%", "*")


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def alarm_link(region: str, name: str) -> str:
    """The alarm's page."""
    return f"{console(region)}#alarmsV2:alarm/{quote(name, safe='')}"


def dashboard_link(region: str, name: str) -> str:
    """A dashboard's page."""
    return f"{console(region)}#dashboards/dashboard/{quote(name, safe='')}"


def _window(at: dt.datetime | None) -> tuple[str, str]:
    at = at or dt.datetime.now(dt.UTC)
    return _iso(at - WINDOW_BEFORE), _iso(at + WINDOW_AFTER)


def logs_link(region: str, log_group: str, at: dt.datetime | None) -> str:
    """Logs Insights over ``log_group``, errors first, from 30 minutes before ``at``."""
    start, end = _window(at)
    detail = (
        f"~(end~'{_escape(end)}~start~'{_escape(start)}~timeType~'ABSOLUTE~tz~'UTC"
        f"~editorString~'{_escape(LOGS_QUERY)}~source~(~'{_escape(log_group)}))"
    )
    return f"{console(region)}#logsV2:logs-insights$3FqueryDetail$3D{detail}"


def traces_link(region: str, service: str, at: dt.datetime | None) -> str:
    """X-Ray traces of ``service`` (the Lambda function name) with faults or errors."""
    start, end = _window(at)
    expression = f'service("{service}") {{ fault = true OR error = true }}'
    return (
        f"{console(region)}#xray:traces/query?~(query~(expression~'{_escape(expression)})"
        f"~context~(timeRange~(end~'{_escape(end)}~start~'{_escape(start)})))"
    )
