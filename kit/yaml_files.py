"""Reading the YAML files the tools take (usage files, the price sheet, ``thresholds.yaml``,
``warmup.yaml``): one way to read them and one way to say what is wrong with them.

A file is read with :func:`read_yaml` and validated against a pydantic model with
:func:`validate`; every problem is reported at once, one a line, each naming the file, the key
path (``checks.rest_latency_p90.period``) and what is wrong, so a user fixes a file in one pass.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

Model = TypeVar("Model", bound=BaseModel)


def read_yaml(path: Path, error: type[ValueError], what: str) -> Any:
    """The parsed document of ``path``; ``error`` (naming ``what`` and the file) when it cannot
    be read or is not YAML."""
    try:
        text = path.read_text()
    except OSError as failure:
        raise error(f"{what} {path}: cannot read it ({failure.strerror or failure})") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as failure:
        raise error(f"{what} {path}: not valid YAML ({failure})") from None


def validate(model: type[Model], raw: Any, source: str, error: type[ValueError]) -> Model:
    """``raw`` as ``model``; ``error`` listing every problem, each with its key path, when it is
    not one. ``source`` names the file in the message."""
    try:
        return model.model_validate(raw)
    except ValidationError as failure:
        raise error(report(source, problems(failure))) from None


def report(source: str, found: Iterable[str]) -> str:
    """One message for all of a file's problems."""
    return f"{source}: " + "; ".join(found)


def problems(failure: ValidationError) -> list[str]:
    """Each of pydantic's errors as ``key.path: what is wrong`` in words a YAML author reads."""
    return [_describe(item) for item in failure.errors()]


def key_path(loc: Iterable[Any]) -> str:
    """``("lambda", 0, "memory_mb")`` as ``lambda[0].memory_mb``."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path or "(top level)"


def _describe(item: Any) -> str:
    path = key_path(item["loc"])
    kind = item["type"]
    value = item.get("input")
    context = item.get("ctx", {})
    if kind == "extra_forbidden":
        return f"{path}: unknown key"
    if kind == "missing":
        return f"{path}: missing"
    if kind in ("greater_than_equal", "greater_than"):
        bound = context.get("ge", context.get("gt"))
        if kind == "greater_than_equal" and bound == 0:
            return f"{path}: must not be negative (got {value!r})"
        return f"{path}: must be {'at least' if kind == 'greater_than_equal' else 'above'} {bound} (got {value!r})"
    if kind in ("less_than_equal", "less_than"):
        bound = context.get("le", context.get("lt"))
        return f"{path}: must be at most {bound} (got {value!r})"
    if kind in (
        "float_type",
        "float_parsing",
        "finite_number",
        "int_type",
        "int_parsing",
        "int_from_float",
        "decimal_type",
        "decimal_parsing",
    ):
        whole = kind.startswith("int")
        return f"{path}: must be a {'whole number' if whole else 'number'} (got {value!r})"
    if kind in ("string_type", "str_type"):
        return f"{path}: must be a string (got {value!r})"
    if kind == "bool_type":
        return f"{path}: must be true or false (got {value!r})"
    if kind == "literal_error":
        return f"{path}: unknown value {value!r} (expected {context.get('expected', '')})"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"{path}: must be a mapping (got {value!r})"
    if kind == "list_type":
        return f"{path}: must be a list (got {value!r})"
    if kind in ("date_type", "date_parsing", "date_from_datetime_parsing"):
        return f"{path}: must be a date, YYYY-MM-DD (got {value!r})"
    if kind == "value_error":
        said = str(context.get("error", item["msg"]))
        # A list validator names the element it found at fault: "[1].upto: ..." continues the path.
        return f"{path}{said}" if said.startswith("[") else f"{path}: {said}"
    return f"{path}: {item['msg']}"
