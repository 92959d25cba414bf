from tests.support.api import Api


def test_health_and_sign_up(api: Api) -> None:
    assert api.get("/health").json == {"status": "ok"}
    user = api.sign_up()
    me = api.get("/me", token=user.id_token)
    assert me.status == 200, me.raw
    assert me.json["userId"] == user.user_id
