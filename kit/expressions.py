"""A small evaluator of CloudWatch metric math, for what CloudWatch emulators cannot do.

moto's CloudWatch returns nothing for expressions, so ``alarms backtest`` and the dashboard
preview evaluate the expressions the kit generates themselves: numbers, metric ids, ``+ - * /``,
comparisons, ``AND``/``OR``, ``IF``, ``FILL``, ``SUM``/``AVG``/``MIN``/``MAX`` (of an array of
series, or of one series to a scalar), ``ABS``, ``PERIOD`` and ``SEARCH`` (through a callback).

A series is ``{timestamp: value}``. Arithmetic between two series keeps the timestamps both
have, as CloudWatch does; ``FILL`` fills every timestamp of the evaluation grid of a series that has
data in it (a series with no data at all stays empty, so "never arrived" stays missing).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Union

Series = dict[int, float]
Value = Union[float, Series, list[Series], str]  # noqa: UP007 - a recursive-looking alias reads better spelled out
SearchFunction = Callable[[str, str, int], list[Series]]


class ExpressionError(ValueError):
    """An expression cannot be parsed or evaluated."""


_TOKEN = re.compile(
    r"\s*(?:(?P<number>\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)|(?P<string>'[^']*'|\"[^\"]*\")"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<op>>=|<=|==|!=|&&|\|\||[-+*/()<>,\[\]]))"
)


def tokenize(text: str) -> list[tuple[str, str]]:
    """``(kind, text)`` tokens of ``text``."""
    tokens: list[tuple[str, str]] = []
    position = 0
    text = text.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            raise ExpressionError(f"unexpected {text[position : position + 10]!r} in {text!r}")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


@dataclass
class _Node:
    kind: str  # number, string, id, call, binary, unary, list
    value: str = ""
    children: tuple[_Node, ...] = ()


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.index = 0

    def peek(self) -> str:
        return self.tokens[self.index][1] if self.index < len(self.tokens) else ""

    def take(self, expected: str | None = None) -> tuple[str, str]:
        if self.index >= len(self.tokens):
            raise ExpressionError(f"unexpected end of {self.text!r}")
        token = self.tokens[self.index]
        if expected is not None and token[1] != expected:
            raise ExpressionError(f"expected {expected!r}, found {token[1]!r} in {self.text!r}")
        self.index += 1
        return token

    def parse(self) -> _Node:
        node = self.logical()
        if self.index != len(self.tokens):
            raise ExpressionError(f"unexpected {self.peek()!r} in {self.text!r}")
        return node

    def logical(self) -> _Node:
        node = self.comparison()
        while self.peek().upper() in ("AND", "OR", "&&", "||"):
            op = {"&&": "AND", "||": "OR"}.get(self.peek(), self.peek().upper())
            self.take()
            node = _Node("binary", op, (node, self.comparison()))
        return node

    def comparison(self) -> _Node:
        node = self.additive()
        if self.peek() in (">=", ">", "<=", "<", "==", "!="):
            op = self.take()[1]
            node = _Node("binary", op, (node, self.additive()))
        return node

    def additive(self) -> _Node:
        node = self.multiplicative()
        while self.peek() in ("+", "-"):
            op = self.take()[1]
            node = _Node("binary", op, (node, self.multiplicative()))
        return node

    def multiplicative(self) -> _Node:
        node = self.unary()
        while self.peek() in ("*", "/"):
            op = self.take()[1]
            node = _Node("binary", op, (node, self.unary()))
        return node

    def unary(self) -> _Node:
        if self.peek() == "-":
            self.take()
            return _Node("unary", "-", (self.unary(),))
        return self.atom()

    def atom(self) -> _Node:
        kind, text = self.take()
        if kind == "number":
            return _Node("number", text)
        if kind == "string":
            return _Node("string", text[1:-1])
        if text == "(":
            node = self.logical()
            self.take(")")
            return node
        if text == "[":
            items = self._items("]")
            return _Node("list", "", tuple(items))
        if kind == "name":
            if self.peek() == "(":
                self.take("(")
                return _Node("call", text.upper(), tuple(self._items(")")))
            return _Node("id", text)
        raise ExpressionError(f"unexpected {text!r} in {self.text!r}")

    def _items(self, closing: str) -> list[_Node]:
        items: list[_Node] = []
        if self.peek() == closing:
            self.take(closing)
            return items
        while True:
            items.append(self.logical())
            if self.peek() == ",":
                self.take(",")
                continue
            self.take(closing)
            return items


@lru_cache(maxsize=1024)
def _parse(expression: str) -> _Node:
    # Alarms evaluate the same few expressions every minute: parse each text once.
    return _Parser(expression).parse()


def references(expression: str) -> set[str]:
    """The metric ids ``expression`` reads."""
    found: set[str] = set()

    def walk(node: _Node) -> None:
        if node.kind == "id":
            found.add(node.value)
        for child in node.children:
            walk(child)

    walk(_parse(expression))
    return found


def _series(value: Value, where: str) -> Series:
    if isinstance(value, dict):
        return value
    raise ExpressionError(f"{where} needs a time series")


def _combine(left: Value, right: Value, op: Callable[[float, float], float | None]) -> Value:
    if isinstance(left, list) or isinstance(right, list) or isinstance(left, str) or isinstance(right, str):
        raise ExpressionError("arithmetic needs numbers or time series")
    if isinstance(left, dict) and isinstance(right, dict):
        keys = sorted(left.keys() & right.keys())
        pairs = [(k, op(left[k], right[k])) for k in keys]
        return {k: v for k, v in pairs if v is not None}
    if isinstance(left, dict):
        assert isinstance(right, float)
        return {k: v for k, v in ((k, op(x, right)) for k, x in left.items()) if v is not None}
    if isinstance(right, dict):
        return {k: v for k, v in ((k, op(left, x)) for k, x in right.items()) if v is not None}
    result = op(left, right)
    return math.nan if result is None else result


def _divide(a: float, b: float) -> float | None:
    return None if b == 0 else a / b


_BINARY: dict[str, Callable[[float, float], float | None]] = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": _divide,
    ">=": lambda a, b: float(a >= b),
    ">": lambda a, b: float(a > b),
    "<=": lambda a, b: float(a <= b),
    "<": lambda a, b: float(a < b),
    "==": lambda a, b: float(a == b),
    "!=": lambda a, b: float(a != b),
    "AND": lambda a, b: float(bool(a) and bool(b)),
    "OR": lambda a, b: float(bool(a) or bool(b)),
}


class Evaluator:
    """Evaluates expressions over known series on a grid of timestamps (one per period)."""

    def __init__(
        self,
        series: Mapping[str, Series],
        grid: Sequence[int],
        period: int,
        search: SearchFunction | None = None,
    ) -> None:
        self.series = dict(series)
        self.grid = list(grid)
        self.period = period
        self.search = search

    def evaluate(self, expression: str) -> Value:
        """The value of ``expression`` (a number, a series or a list of series)."""
        return self._eval(_parse(expression))

    def series_of(self, expression: str) -> Series:
        """``expression`` as one series (a scalar becomes a flat line over the grid)."""
        value = self.evaluate(expression)
        if isinstance(value, float):
            return {} if math.isnan(value) else dict.fromkeys(self.grid, value)
        if isinstance(value, list):
            raise ExpressionError(f"{expression!r} gives {len(value)} series, not one")
        return _series(value, expression)

    def _eval(self, node: _Node) -> Value:
        if node.kind == "number":
            return float(node.value)
        if node.kind == "string":
            return node.value
        if node.kind == "id":
            if node.value not in self.series:
                raise ExpressionError(f"unknown id {node.value!r}")
            return self.series[node.value]
        if node.kind == "list":
            out: list[Series] = []
            for child in node.children:
                value = self._eval(child)
                out.extend(value if isinstance(value, list) else [_series(value, "an array item")])
            return out
        if node.kind == "unary":
            return _combine(-1.0, self._eval(node.children[0]), lambda a, b: a * b)
        if node.kind == "binary":
            left, right = (self._eval(child) for child in node.children)
            return _combine(left, right, _BINARY[node.value])
        return self._call(node.value, node.children)

    def _call(self, name: str, args: tuple[_Node, ...]) -> Value:
        if name == "IF":
            return self._if(args)
        if name == "SEARCH":
            return self._search(args)
        values = [self._eval(a) for a in args]
        if name == "FILL":
            if len(values) != 2 or not isinstance(values[1], float):
                raise ExpressionError("FILL(series, number) takes a series and a number")
            fill = values[1]
            items = values[0] if isinstance(values[0], list) else [_series(values[0], "FILL")]
            # A series without a single datapoint in the range stays empty, as in CloudWatch:
            # FILL repairs gaps, it does not invent a metric that never arrived.
            filled = [{ts: s.get(ts, fill) for ts in self.grid} if s else {} for s in items]
            return filled if isinstance(values[0], list) else filled[0]
        if name in ("SUM", "AVG", "MIN", "MAX"):
            return self._aggregate(name, values)
        if name == "ABS":
            return _combine(values[0], 0.0, lambda a, _b: abs(a))
        if name == "PERIOD":
            return float(self.period)
        raise ExpressionError(f"function {name} is not supported by this evaluator")

    def _aggregate(self, name: str, values: list[Value]) -> Value:
        reducers: dict[str, Callable[[list[float]], float]] = {
            "SUM": lambda xs: float(sum(xs)),
            "AVG": lambda xs: sum(xs) / len(xs),
            "MIN": lambda xs: min(xs),
            "MAX": lambda xs: max(xs),
        }
        reduce = reducers[name]
        if len(values) != 1:
            raise ExpressionError(f"{name} takes one argument")
        value = values[0]
        if isinstance(value, dict):
            return reduce(list(value.values())) if value else math.nan
        if not isinstance(value, list):
            raise ExpressionError(f"{name} needs a series or an array of series")
        keys = sorted({k for s in value for k in s})
        return {k: reduce([s[k] for s in value if k in s]) for k in keys}

    def _if(self, args: tuple[_Node, ...]) -> Value:
        if len(args) not in (2, 3):
            raise ExpressionError("IF takes a condition, a value and an optional other value")
        condition = self._eval(args[0])
        then = self._eval(args[1])
        other: Value | None = self._eval(args[2]) if len(args) == 3 else None

        def pick(value: Value | None, ts: int) -> float | None:
            if value is None:
                return None
            if isinstance(value, dict):
                return value.get(ts)
            if isinstance(value, float):
                return value
            raise ExpressionError("IF's values must be numbers or series")

        if isinstance(condition, float):
            chosen = then if condition else other
            return math.nan if chosen is None else chosen
        out: Series = {}
        for ts, flag in _series(condition, "IF").items():
            value = pick(then if flag else other, ts)
            if value is not None:
                out[ts] = value
        return out

    def _search(self, args: tuple[_Node, ...]) -> Value:
        if self.search is None:
            raise ExpressionError("SEARCH needs a metrics source")
        values = [self._eval(a) for a in args]
        if len(values) != 3 or not isinstance(values[0], str) or not isinstance(values[1], str):
            raise ExpressionError("SEARCH('query', 'Stat', period) takes a query, a statistic and a period")
        period = values[2]
        if not isinstance(period, float):
            raise ExpressionError("SEARCH's period must be a number")
        return self.search(values[0], values[1], int(period))


def grid(start: int, end: int, period: int) -> list[int]:
    """The period start times from ``start`` (inclusive, aligned down) to ``end`` (exclusive)."""
    first = start - start % period
    return list(range(first, end, period))
