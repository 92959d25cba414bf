"""User profiles: ``USER#<id> / PROFILE``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from backend.store import keys
from backend.store.table import ConditionFailed, Item, Table

_FIELDS = ("userId", "email", "name", "avatarKey", "createdAt")


def _public(item: Item) -> Item:
    return {k: item[k] for k in _FIELDS if k in item}


def create(table: Table, profile: dict[str, Any]) -> bool:
    """Store a new profile; False when one exists already (nothing overwritten)."""
    try:
        table.put({**keys.profile(profile["userId"]), **profile}, condition="attribute_not_exists(PK)")
    except ConditionFailed:
        return False
    return True


def get(table: Table, user_id: str) -> Item | None:
    """A profile, or None."""
    item = table.get(keys.profile(user_id))
    return _public(item) if item else None


def get_many(table: Table, user_ids: Sequence[str]) -> dict[str, Item]:
    """Profiles by user id (absent ids are missing from the answer). One BatchGetItem."""
    items = table.batch_get([keys.profile(u) for u in dict.fromkeys(user_ids)])
    return {item["userId"]: _public(item) for item in items}


def update(table: Table, user_id: str, changes: dict[str, Any]) -> Item | None:
    """Set the given fields of an existing profile; None when there is no profile."""
    names = {f"#{k}": k for k in changes}
    values = {f":{k}": v for k, v in changes.items()}
    expression = "SET " + ", ".join(f"#{k} = :{k}" for k in changes)
    try:
        item = table.update(
            keys.profile(user_id),
            expression,
            values,
            names=names,
            condition="attribute_exists(PK)",
            returns="ALL_NEW",
        )
    except ConditionFailed:
        return None
    return _public(item) if item else None
