"""The stack model (single source of truth) and what is derived from it."""

from infra.model import Stack
from infra.stack import STACK

__all__ = ["STACK", "Stack"]
