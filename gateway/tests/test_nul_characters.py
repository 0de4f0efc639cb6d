"""A NUL character in a caller's text, which PostgreSQL cannot hold and fails the query
on (a 500 before), is refused where the text would be stored and finds nothing where it
would be looked up, on either database."""

import base64

AUTH = "/api/v1/auth"
TOKEN = f"{AUTH}/token"
NUL = "li\x00si"
NUL_IN_PATH = "li%00si"


async def test_text_with_a_nul_is_refused_as_invalid_input_where_it_would_be_stored(gateway, admin):
    user = await gateway.create_user(admin, "agent")
    body = {"username": "li.si", "password": "a-long-password", "display_name": "李四"}
    answers = {
        f"user {field}": await gateway.client.post(
            f"{AUTH}/users", json={**body, field: NUL}, headers=admin
        )
        for field in ("username", "display_name", "unit_id", "department")
    }
    for field in ("display_name", "unit_id", "department"):
        answers[f"change of {field}"] = await gateway.client.patch(
            f"{AUTH}/users/{user['id']}", json={field: NUL}, headers=admin
        )
    for field in ("name", "unit_id"):
        answers[f"client {field}"] = await gateway.client.post(
            f"{AUTH}/clients",
            json={"name": "市政务服务平台", "roles": [], field: NUL},
            headers=admin,
        )
    assert {name: answer.status_code for name, answer in answers.items()} == {
        name: 422 for name in answers
    }
    # A password is only ever hashed: it may hold one.
    user = await gateway.create_user(admin, "agent", password=NUL * 4)
    token = await gateway.client.post(
        TOKEN, data={"grant_type": "password", "username": user["username"], "password": NUL * 4}
    )
    assert token.status_code == 200, token.text


async def test_ids_and_credentials_with_a_nul_find_nobody(gateway, admin):
    missing_user = await gateway.client.get(f"{AUTH}/users/{NUL_IN_PATH}", headers=admin)
    changed_user = await gateway.client.patch(
        f"{AUTH}/users/{NUL_IN_PATH}", json={"display_name": "李四"}, headers=admin
    )
    revoked_client = await gateway.client.delete(f"{AUTH}/clients/{NUL_IN_PATH}", headers=admin)
    assert [missing_user.status_code, changed_user.status_code, revoked_client.status_code] == [
        404,
        404,
        404,
    ]
    password = await gateway.client.post(
        TOKEN, data={"grant_type": "password", "username": NUL, "password": "a-long-password"}
    )
    client = await gateway.client.post(
        TOKEN, data={"grant_type": "client_credentials", "client_id": NUL, "client_secret": "x"}
    )
    basic = await gateway.client.post(
        TOKEN,
        data={"grant_type": "client_credentials"},
        headers={"Authorization": "Basic " + base64.b64encode(f"{NUL}:x".encode()).decode()},
    )
    assert [password.status_code, client.status_code, basic.status_code] == [401, 401, 401]
