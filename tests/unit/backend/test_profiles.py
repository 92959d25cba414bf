"""Your own profile (with email) and other people's (without)."""

from __future__ import annotations

from tests.support.api import Api


def test_me_has_email_and_name(api: Api) -> None:
    user = api.sign_up("Ada")
    me = api.get("/me", token=user.id_token).json
    assert me == {"userId": user.user_id, "email": user.email, "name": "Ada", "avatarKey": None}


def test_patch_me_changes_name_and_avatar(api: Api) -> None:
    user = api.sign_up("Ada")
    key = f"avatar/{user.user_id}/01JD0000000000000000000000.png"
    reply = api.call("PATCH", "/me", {"name": "Ada L.", "avatarKey": key}, token=user.id_token)
    assert reply.status == 200, reply.raw
    assert reply.json["name"] == "Ada L."
    assert api.get("/me", token=user.id_token).json["avatarKey"] == key


def test_avatar_must_be_your_own_upload(api: Api) -> None:
    ada, bob = api.sign_up("Ada"), api.sign_up("Bob")
    reply = api.call("PATCH", "/me", {"avatarKey": f"avatar/{bob.user_id}/x.png"}, token=ada.id_token)
    assert reply.status == 400
    assert reply.json["error"]["field"] == "avatarKey"


def test_empty_patch_is_refused(api: Api) -> None:
    user = api.sign_up()
    reply = api.call("PATCH", "/me", {}, token=user.id_token)
    assert reply.status == 400


def test_blank_name_is_refused(api: Api) -> None:
    user = api.sign_up()
    reply = api.call("PATCH", "/me", {"name": "   "}, token=user.id_token)
    assert reply.status == 422
    assert reply.json["error"]["field"] == "name"


def test_other_users_profile_has_no_email(api: Api) -> None:
    ada, bob = api.sign_up("Ada"), api.sign_up("Bob")
    reply = api.get(f"/users/{bob.user_id}", token=ada.id_token)
    assert reply.status == 200
    assert reply.json == {"userId": bob.user_id, "name": "Bob", "avatarKey": None}


def test_unknown_user_is_404(api: Api) -> None:
    ada = api.sign_up()
    reply = api.get("/users/00000000-0000-0000-0000-000000000000", token=ada.id_token)
    assert reply.status == 404
    assert reply.json["error"]["code"] == "user_not_found"


def test_user_id_with_bad_characters_is_refused(api: Api) -> None:
    ada = api.sign_up()
    reply = api.get("/users/..%2F..%2Fetc", token=ada.id_token)
    assert reply.status in (404, 422)
    assert "error" in reply.json
