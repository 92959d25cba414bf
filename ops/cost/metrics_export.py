"""The metrics export format: CSV or Parquet with one datapoint a row.

Columns: ``timestamp, namespace, metric, dimensions, statistic, value, period``; dimensions as
``Name=Value`` pairs joined by ``;`` (sorted by name when written here), period in seconds.
``ops cost export-metrics`` writes it, ``ops cost project --metrics`` reads it.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ops.cost.errors import MetricsError

COLUMNS = ("timestamp", "namespace", "metric", "dimensions", "statistic", "value", "period")
KEY_COLUMNS = ("namespace", "metric", "dimensions", "statistic")
STATISTICS = frozenset({"Sum", "Average", "SampleCount", "Maximum", "Minimum"})
FORMATS = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}


def format_dimensions(dimensions: Mapping[str, str]) -> str:
    """``{"FunctionName": "chat"}`` -> ``FunctionName=chat`` (pairs sorted by name)."""
    return ";".join(f"{name}={dimensions[name]}" for name in sorted(dimensions))


def parse_dimensions(text: str) -> dict[str, str]:
    """``FunctionName=chat;Resource=x`` -> a mapping; ValueError when a pair has no ``=``."""
    if not text:
        return {}
    pairs: dict[str, str] = {}
    for pair in text.split(";"):
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise ValueError(f"{pair!r} is not Name=Value")
        pairs[name] = value
    return pairs


def export_format(path: Path) -> str:
    """``csv`` or ``parquet`` from the file's extension; MetricsError for anything else."""
    try:
        return FORMATS[path.suffix.lower()]
    except KeyError:
        raise MetricsError(
            f"metrics file {path}: use a .csv or .parquet file (got {path.suffix or 'no extension'!r})"
        ) from None


def read_metrics(path: Path) -> pd.DataFrame:
    """Read and validate an export.

    Returns
    -------
    pandas.DataFrame
        The seven columns: keys as categoricals, ``timestamp`` as UTC datetimes, ``value`` as
        floats, ``period`` as integers.

    Raises
    ------
    MetricsError
        Unreadable file, a missing column, or a row whose value, timestamp, period,
        statistic or dimensions cannot be read; the message names the column and the row.
    """
    kind = export_format(path)
    if not path.exists():
        raise MetricsError(f"metrics file {path}: no such file")
    try:
        if kind == "parquet":
            frame = _read_parquet(path)
        else:
            frame = pd.read_csv(path, dtype=dict.fromkeys(KEY_COLUMNS, "category"), keep_default_na=False)
    except MetricsError:
        raise
    except Exception as error:  # pyarrow and pandas raise many kinds for a broken file
        raise MetricsError(f"metrics file {path}: cannot read it as {kind} ({error})") from None
    return validate_metrics(frame, str(path), first_row=2 if kind == "csv" else 1)


def _read_parquet(path: Path) -> pd.DataFrame:
    schema = pq.read_schema(path)
    missing = [column for column in COLUMNS if column not in schema.names]
    if missing:
        raise MetricsError(f"metrics file {path}: missing column(s) {', '.join(missing)}")
    strings = [key for key in KEY_COLUMNS if pa.types.is_string(schema.field(key).type)]
    # Dictionary-encoded keys come out as categoricals: no five million Python strings.
    table = pq.read_table(path, columns=list(COLUMNS), read_dictionary=strings)
    return table.to_pandas()


def validate_metrics(frame: pd.DataFrame, source: str = "metrics", first_row: int = 1) -> pd.DataFrame:
    """Check an export's frame and return it with the expected dtypes.

    ``first_row`` is the number shown for the frame's first row in error messages (2 for a
    CSV file, whose first line is the header).
    """
    missing = [column for column in COLUMNS if column not in frame.columns]
    if missing:
        raise MetricsError(f"metrics file {source}: missing column(s) {', '.join(missing)}")
    frame = frame.loc[:, list(COLUMNS)]
    frame = frame.reset_index(drop=True)

    def bad(column: str, mask: pd.Series, why: str) -> MetricsError:
        row = int(mask.to_numpy().nonzero()[0][0])
        value = frame[column].iloc[row]
        return MetricsError(f"metrics file {source}: row {row + first_row}, column {column}: {why} (got {value!r})")

    for key in KEY_COLUMNS:
        column = frame[key]
        if not isinstance(column.dtype, pd.CategoricalDtype):
            column = column.astype("category")
        if key != "dimensions" and (column.isna().any() or (column == "").any()):
            raise bad(key, column.isna() | (column == ""), "must not be empty")
        frame[key] = column
    if frame["dimensions"].isna().any():
        frame["dimensions"] = frame["dimensions"].cat.add_categories([""]).fillna("")
        frame["dimensions"] = frame["dimensions"].cat.remove_unused_categories()
    unknown_stats = [s for s in frame["statistic"].cat.categories if s not in STATISTICS]
    if unknown_stats:
        raise bad(
            "statistic",
            frame["statistic"].isin(unknown_stats),
            f"unknown statistic, expected one of {', '.join(sorted(STATISTICS))}",
        )
    for text in frame["dimensions"].cat.categories:
        try:
            parse_dimensions(str(text))
        except ValueError as error:
            raise bad(
                "dimensions", frame["dimensions"] == text, f"dimensions must be Name=Value pairs joined by ';': {error}"
            ) from None

    value = frame["value"]
    if not pd.api.types.is_float_dtype(value) and not pd.api.types.is_integer_dtype(value):
        numeric = pd.to_numeric(value, errors="coerce")
        if numeric.isna().any():
            raise bad("value", numeric.isna(), "must be a number")
        value = numeric
    if value.isna().any():
        raise bad("value", value.isna(), "must be a number")
    frame["value"] = value.astype("float64")

    period = frame["period"]
    if not pd.api.types.is_integer_dtype(period):
        numeric = pd.to_numeric(period, errors="coerce")
        if numeric.isna().any():
            raise bad("period", numeric.isna(), "must be a number of seconds")
        period = numeric
    if (period <= 0).any():
        raise bad("period", period <= 0, "must be a positive number of seconds")
    frame["period"] = period.astype("int64")

    stamps = frame["timestamp"]
    if not pd.api.types.is_datetime64_any_dtype(stamps):
        stamps = pd.to_datetime(stamps, utc=True, errors="coerce", format="ISO8601")
        if stamps.isna().any():
            raise bad("timestamp", stamps.isna(), "must be an ISO 8601 date and time")
    elif stamps.isna().any():
        raise bad("timestamp", stamps.isna(), "must be an ISO 8601 date and time")
    if getattr(stamps.dt, "tz", None) is None:
        stamps = stamps.dt.tz_localize("UTC")
    frame["timestamp"] = stamps
    return frame


def write_metrics(frame: pd.DataFrame, path: Path) -> None:
    """Write ``frame`` (the seven columns) as CSV or Parquet, chosen by ``path``'s extension."""
    kind = export_format(path)
    ordered = frame.loc[:, list(COLUMNS)]
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "csv":
        out = ordered.copy()
        out["timestamp"] = out["timestamp"].map(lambda stamp: stamp.isoformat())
        out.to_csv(path, index=False)
    else:
        ordered.to_parquet(path, index=False)


def empty_metrics() -> pd.DataFrame:
    """An export with no rows, with the export's dtypes."""
    return pd.DataFrame(
        {
            "timestamp": pd.Series([], dtype="datetime64[ns, UTC]"),
            "namespace": pd.Series([], dtype="category"),
            "metric": pd.Series([], dtype="category"),
            "dimensions": pd.Series([], dtype="category"),
            "statistic": pd.Series([], dtype="category"),
            "value": pd.Series([], dtype="float64"),
            "period": pd.Series([], dtype="int64"),
        }
    )
