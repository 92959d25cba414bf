"""The errors `ops cost` reports to a person: bad input, named precisely, never a traceback."""

from __future__ import annotations


class CostInputError(ValueError):
    """Input `ops cost` cannot use; the message names the file, key or option at fault."""


class UsageFileError(CostInputError):
    """The ``--usage`` file is not valid usage."""


class PriceSheetError(CostInputError):
    """The price sheet is malformed or lacks a price the engine needs."""


class MetricsError(CostInputError):
    """A metrics export (or what CloudWatch returned) cannot be read as usage."""


class OptionError(CostInputError):
    """A command-line option has a value that cannot be used (``--tiers``, ``--budget``...)."""
