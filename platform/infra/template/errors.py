"""The one error the template builder raises."""

from __future__ import annotations


class TemplateError(ValueError):
    """The stack model cannot be turned into a valid template (the message names the part)."""
