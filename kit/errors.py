"""Errors of the price sheet and of usage: bad input, named precisely (file, key), never a traceback."""

from __future__ import annotations


class CostInputError(ValueError):
    """Input that cannot be priced; the message names the file, key or option at fault."""


class UsageFileError(CostInputError):
    """A usage file (``ops cost estimate --usage``) is not valid usage."""


class PriceSheetError(CostInputError):
    """The price sheet is malformed or lacks a price the engine needs."""
