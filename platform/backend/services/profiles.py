"""Profiles: your own (with email) and other people's (without)."""

from __future__ import annotations

from typing import Any

from backend import clock
from backend.auth.identity import Caller
from backend.errors import InvalidInput, NotFound
from backend.services import rate_limits
from backend.store import profiles
from backend.store.table import Item, Table


def avatar_prefix(user_id: str) -> str:
    """S3 key prefix of a user's avatar uploads; a profile may only point inside it."""
    return f"avatar/{user_id}/"


def _own(profile: Item) -> Item:
    return {
        "userId": profile["userId"],
        "email": profile.get("email"),
        "name": profile.get("name", ""),
        "avatarKey": profile.get("avatarKey"),
    }


def get_own(table: Table, caller: Caller) -> Item:
    """The caller's profile, created from the token's claims if sign-up did not store one."""
    profile = profiles.get(table, caller.user_id)
    if profile is None:
        profile = {
            "userId": caller.user_id,
            "email": caller.email,
            "name": caller.name or "",
            "createdAt": clock.now_iso(),
        }
        if not profiles.create(table, profile):
            profile = profiles.get(table, caller.user_id) or profile
    return _own(profile)


def update_own(table: Table, caller: Caller, changes: dict[str, Any]) -> Item:
    """Change the caller's name and/or avatar key."""
    rate_limits.check_action(table, caller.user_id, "profile_update")
    if not changes:
        raise InvalidInput("give at least one of name, avatarKey", field="body")
    avatar = changes.get("avatarKey")
    if avatar is not None and not avatar.startswith(avatar_prefix(caller.user_id)):
        raise InvalidInput("avatarKey must be the key of one of your avatar uploads", field="avatarKey")
    get_own(table, caller)  # makes sure there is a profile to update
    updated = profiles.update(table, caller.user_id, changes)
    if updated is None:
        raise NotFound("profile not found", code="user_not_found")
    return _own(updated)


def get_public(table: Table, user_id: str) -> Item:
    """Someone's public profile (never their email)."""
    profile = profiles.get(table, user_id)
    if profile is None:
        raise NotFound("no such user", code="user_not_found")
    return {
        "userId": profile["userId"],
        "name": profile.get("name", ""),
        "avatarKey": profile.get("avatarKey"),
    }
