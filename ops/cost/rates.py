"""Per-user monthly rates: the window's totals, scaled to a 730-hour month and divided by the
active users behind that traffic."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from kit.units import BYTES_PER_GB, HOURS_PER_MONTH
from ops.cost.errors import MetricsError, OptionError
from ops.cost.observed import ObservedUsage

__all__ = ["BYTES_PER_GB", "HOURS_PER_MONTH", "FunctionRate", "RateAssumptions", "UserRates", "per_user_rates"]


@dataclass(frozen=True)
class RateAssumptions:
    """Figures used where the metrics say nothing (each use is listed in the report).

    minutes_per_connection
        WebSocket connection minutes per ``ConnectCount`` when the app publishes no
        ``ConnectionMinutes`` metric.
    log_bytes_per_invocation
        Log bytes ingested per invocation when there is no ``AWS/Logs`` ``IncomingBytes``.
    bytes_per_write_unit
        Bytes a write request unit adds to the table when the app publishes no ``StoredBytes``
        (up to 1 KB; an upper bound, since updates, deletes and expiring items add nothing).
    """

    minutes_per_connection: float = 15.0
    log_bytes_per_invocation: float = 1024.0
    bytes_per_write_unit: float = 1024.0


@dataclass(frozen=True)
class FunctionRate:
    """One function's user requests per user per month and their mean duration."""

    requests: float
    duration_ms: float


@dataclass(frozen=True)
class UserRates:
    """What one active user causes in a month (storage: what one user adds per month)."""

    active_users: float
    window_hours: float
    functions: Mapping[str, FunctionRate]
    rest_requests: float = 0.0
    websocket_messages: float = 0.0
    websocket_connection_minutes: float = 0.0
    dynamodb_write_units: float = 0.0
    dynamodb_read_units: float = 0.0
    dynamodb_growth_gb: float = 0.0
    # The part of the growth in the table itself and its LSIs (GSIs excluded): PITR's size.
    dynamodb_table_growth_gb: float = 0.0
    s3_growth_gb: float = 0.0
    s3_put_requests: float = 0.0
    s3_get_requests: float = 0.0
    data_transfer_out_gb: float = 0.0
    # The web build: requests and GB the distribution sends per user (AWS/CloudFront).
    web_requests: float = 0.0
    web_transfer_out_gb: float = 0.0
    logs_ingested_gb: float = 0.0
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form (per user per month)."""
        return {
            "active_users": self.active_users,
            "window_hours": self.window_hours,
            "functions": {
                name: {"requests": rate.requests, "duration_ms": rate.duration_ms}
                for name, rate in self.functions.items()
            },
            "rest_requests": self.rest_requests,
            "websocket_messages": self.websocket_messages,
            "websocket_connection_minutes": self.websocket_connection_minutes,
            "dynamodb_write_request_units": self.dynamodb_write_units,
            "dynamodb_read_request_units": self.dynamodb_read_units,
            "dynamodb_storage_growth_gb": self.dynamodb_growth_gb,
            "dynamodb_table_growth_gb": self.dynamodb_table_growth_gb,
            "s3_storage_growth_gb": self.s3_growth_gb,
            "s3_put_requests": self.s3_put_requests,
            "s3_get_requests": self.s3_get_requests,
            "data_transfer_out_gb": self.data_transfer_out_gb,
            "web_requests": self.web_requests,
            "web_transfer_out_gb": self.web_transfer_out_gb,
            "logs_ingested_gb": self.logs_ingested_gb,
        }


def per_user_rates(
    observed: ObservedUsage,
    active_users: float | None = None,
    assumptions: RateAssumptions = RateAssumptions(),
) -> UserRates:
    """Scale ``observed`` to one user's month.

    Parameters
    ----------
    observed
        Totals over the metrics window.
    active_users
        Users behind that traffic; the app's ``ActiveUsers`` metric when None.
    assumptions
        Fallbacks for what the metrics do not measure.

    Raises
    ------
    OptionError
        No active-user count, or one that is not positive.
    MetricsError
        The metrics cover no time at all.
    """
    users = active_users if active_users is not None else observed.active_users
    if users is None:
        raise OptionError(
            "no active users: pass --active-users N, or publish the ActiveUsers metric in the app's namespace"
        )
    if users <= 0:
        raise OptionError(f"--active-users: must be a positive number (got {users:g})")
    if observed.window_hours <= 0:
        raise MetricsError("the metrics cover no time: need datapoints with a timestamp and a period")
    scale = HOURS_PER_MONTH / observed.window_hours / users
    notes = list(observed.notes)

    functions = {
        name: FunctionRate(traffic.user_invocations * scale, traffic.average_duration_ms)
        for name, traffic in observed.functions.items()
    }
    user_invocations = sum(t.user_invocations for t in observed.functions.values())

    minutes = observed.websocket_connection_minutes
    if minutes is None:
        minutes = observed.websocket_connects * assumptions.minutes_per_connection
        if observed.websocket_connects:
            notes.append(
                f"no ConnectionMinutes metric: {assumptions.minutes_per_connection:g} minutes per WebSocket connection"
            )
    logs = observed.logs_ingested_bytes
    if logs is None:
        logs = user_invocations * assumptions.log_bytes_per_invocation
        notes.append(f"no AWS/Logs IncomingBytes: {assumptions.log_bytes_per_invocation:g} log bytes per invocation")
    stored, indexed = observed.dynamodb_stored_bytes, observed.dynamodb_indexed_bytes
    if stored is None:
        # No measure of what the store writes: 1 KB per write unit, an upper bound.
        table_bytes = observed.dynamodb_table_write_units * assumptions.bytes_per_write_unit
        all_bytes = observed.dynamodb_write_units * assumptions.bytes_per_write_unit
        notes.append(
            f"no StoredBytes metric: {assumptions.bytes_per_write_unit:g} bytes of table storage per write unit"
        )
    else:
        table_bytes, all_bytes = stored, stored + (indexed or 0.0)
    s3_bytes = observed.s3_storage_growth_bytes
    if s3_bytes is None and observed.s3_upload_bytes is not None:
        s3_bytes = observed.s3_upload_bytes
        notes.append("no two BucketSizeBytes datapoints: S3 growth from the sizes uploads declared (an upper bound)")
    elif s3_bytes is None:
        notes.append(
            "no two BucketSizeBytes datapoints and no UploadBytesRequested: S3 storage growth is not projected"
        )
    return UserRates(
        active_users=users,
        window_hours=observed.window_hours,
        functions=functions,
        rest_requests=observed.rest_requests * scale,
        websocket_messages=observed.websocket_messages * scale,
        websocket_connection_minutes=minutes * scale,
        dynamodb_write_units=observed.dynamodb_write_units * scale,
        dynamodb_read_units=observed.dynamodb_read_units * scale,
        dynamodb_growth_gb=all_bytes / BYTES_PER_GB * scale,
        dynamodb_table_growth_gb=table_bytes / BYTES_PER_GB * scale,
        s3_growth_gb=(s3_bytes or 0.0) / BYTES_PER_GB * scale,
        s3_put_requests=observed.s3_put_requests * scale,
        s3_get_requests=observed.s3_get_requests * scale,
        data_transfer_out_gb=observed.s3_bytes_downloaded / BYTES_PER_GB * scale,
        web_requests=observed.web_requests * scale,
        web_transfer_out_gb=observed.web_bytes_downloaded / BYTES_PER_GB * scale,
        logs_ingested_gb=logs / BYTES_PER_GB * scale,
        notes=tuple(notes),
    )
