"""CloudWatch Embedded Metric Format: the metrics inside a log line, as CloudWatch extracts
them from a Lambda function's log group."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Datum:
    """One metric value with its namespace, dimensions and time."""

    namespace: str
    name: str
    value: float
    unit: str
    dimensions: tuple[tuple[str, str], ...]
    timestamp_ms: float
    storage_resolution: int = 60


def parse(line: str) -> list[Datum]:
    """The metric values in ``line``; [] when it is not an EMF document (or a broken one,
    which CloudWatch also ignores)."""
    if not line.startswith("{") or '"_aws"' not in line:
        return []
    try:
        document = json.loads(line)
    except ValueError:
        return []
    if not isinstance(document, dict):
        return []
    metadata = document.get("_aws")
    if not isinstance(metadata, dict) or not isinstance(metadata.get("CloudWatchMetrics"), list):
        return []
    timestamp = float(metadata.get("Timestamp") or 0)
    out: list[Datum] = []
    for directive in metadata["CloudWatchMetrics"]:
        out.extend(_directive(document, directive, timestamp))
    return out


def _directive(document: dict[str, Any], directive: Any, timestamp: float) -> list[Datum]:
    if not isinstance(directive, dict) or not isinstance(directive.get("Namespace"), str):
        return []
    dimension_sets = directive.get("Dimensions") or [[]]
    out: list[Datum] = []
    for dimension_names in dimension_sets:
        if not all(isinstance(name, str) and name in document for name in dimension_names):
            continue  # CloudWatch drops a dimension set whose values are missing
        dimensions = tuple((name, str(document[name])) for name in dimension_names)
        for definition in directive.get("Metrics") or []:
            name = definition.get("Name") if isinstance(definition, dict) else None
            if not isinstance(name, str) or name not in document:
                continue
            raw = document[name]
            values = raw if isinstance(raw, list) else [raw]
            for value in values:
                if isinstance(value, int | float) and not isinstance(value, bool):
                    out.append(
                        Datum(
                            namespace=directive["Namespace"],
                            name=name,
                            value=float(value),
                            unit=str(definition.get("Unit") or "None"),
                            dimensions=dimensions,
                            timestamp_ms=timestamp,
                            storage_resolution=int(definition.get("StorageResolution") or 60),
                        )
                    )
    return out
