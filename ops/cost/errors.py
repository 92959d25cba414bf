"""The errors `ops cost` reports to a person: bad input, named precisely, never a traceback.

The price sheet's and usage's errors come from :mod:`kit.errors` (the shared engine raises them).
"""

from __future__ import annotations

from kit.errors import CostInputError, PriceSheetError, UsageFileError

__all__ = ["CostInputError", "MetricsError", "OptionError", "PriceSheetError", "UsageFileError"]


class MetricsError(CostInputError):
    """A metrics export (or what CloudWatch returned) cannot be read as usage."""


class OptionError(CostInputError):
    """A command-line option has a value that cannot be used (``--tiers``, ``--budget``...)."""
