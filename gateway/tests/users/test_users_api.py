"""Users at /api/v1/auth/users: admin only, passwords hashed and never shown, one admin kept."""

import re

from sqlalchemy import text

from gateway.config import Settings
from gateway.hashing import DEFAULT_MEMORY_KIB, DEFAULT_TIME_COST
from gateway.testing.harness import ADMIN_PASSWORD, TEST_HASHING_COST, bearer, running_gateway
from guanjia_shared.db import create_engine

USERS = "/api/v1/auth/users"


def mentions_a_password(body: object) -> bool:
    text = repr(body).lower()
    return "password" in text or "argon2" in text


async def test_an_admin_creates_a_user_who_can_then_log_in(gateway, admin):
    created = await gateway.client.post(
        USERS,
        json={
            "username": "Li.Si",
            "password": "a-long-password",
            "display_name": "李四",
            "roles": ["unit_staff"],
            "unit_id": "unit-7",
        },
        headers=admin,
    )
    assert created.status_code == 201, created.text
    user = created.json()
    assert user["username"] == "li.si" and user["roles"] == ["unit_staff"] and user["active"]
    assert created.headers["location"] == f"{USERS}/{user['id']}"
    assert user["created_at"].endswith("Z") or "+" in user["created_at"]
    assert await gateway.token("LI.SI", "a-long-password")


async def test_the_password_is_never_returned(gateway, admin):
    user = await gateway.create_user(admin, "agent")
    answers = [
        await gateway.client.get(USERS, headers=admin),
        await gateway.client.get(f"{USERS}/{user['id']}", headers=admin),
        await gateway.client.patch(
            f"{USERS}/{user['id']}", json={"password": "another-password"}, headers=admin
        ),
    ]
    assert all(answer.status_code == 200 for answer in answers)
    assert not any(mentions_a_password(answer.json()) for answer in answers)
    created = await gateway.client.post(
        USERS,
        json={"username": "wang", "password": "a-long-password", "display_name": "王五"},
        headers=admin,
    )
    assert created.status_code == 201 and not mentions_a_password(created.json())


async def test_users_list_in_pages_with_a_total(gateway, admin):
    for name in ("carol", "bob", "dave"):
        await gateway.create_user(admin, "agent", username=name)
    page = await gateway.client.get(USERS, params={"limit": 2, "offset": 1}, headers=admin)
    assert page.json()["total"] == 4
    assert [user["username"] for user in page.json()["items"]] == ["bob", "carol"]
    too_many = await gateway.client.get(USERS, params={"limit": 501}, headers=admin)
    assert too_many.status_code == 422


async def test_users_are_found_by_part_of_a_username_or_name_and_by_department(gateway, admin):
    await gateway.create_user(
        admin, "agent", username="wang.wu", display_name="王五", department="物业管理处"
    )
    await gateway.create_user(
        admin, "agent", username="li_si", display_name="李四", department="车辆服务处"
    )
    await gateway.create_user(
        admin, "unit_staff", username="lisa", display_name="Lisa 100%", unit_id="u-1"
    )

    async def usernames(**params: str) -> list[str]:
        answer = await gateway.client.get(USERS, params=params, headers=admin)
        assert answer.status_code == 200, answer.text
        assert answer.json()["total"] == len(answer.json()["items"])
        return [user["username"] for user in answer.json()["items"]]

    assert await usernames(q="WANG") == ["wang.wu"]
    assert await usernames(q="李") == ["li_si"]
    # LIKE's wildcards are searched for as characters.
    assert await usernames(q="li_") == ["li_si"]
    assert await usernames(q="%") == ["lisa"]
    assert await usernames(department="物业管理处") == ["wang.wu"]
    assert await usernames(q="li", department="车辆服务处") == ["li_si"]
    too_long = await gateway.client.get(USERS, params={"q": "x" * 101}, headers=admin)
    assert too_long.status_code == 422


async def test_an_unknown_role_is_refused_with_the_field_at_fault(gateway, admin):
    answer = await gateway.client.post(
        USERS,
        json={
            "username": "zhao",
            "password": "a-long-password",
            "display_name": "赵六",
            "roles": ["agent", "emperor"],
        },
        headers=admin,
    )
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    assert [error["pointer"] for error in answer.json()["errors"]] == ["#/roles/1"]
    patch = await gateway.client.patch(
        f"{USERS}/{(await gateway.create_user(admin))['id']}",
        json={"roles": ["emperor"]},
        headers=admin,
    )
    assert patch.status_code == 422


async def test_a_taken_username_is_a_conflict_whatever_its_case(gateway, admin):
    await gateway.create_user(admin, username="alice")
    answer = await gateway.client.post(
        USERS,
        json={"username": "ALICE", "password": "a-long-password", "display_name": "A"},
        headers=admin,
    )
    assert answer.status_code == 409
    assert answer.json()["rule"] == "unique-username"


async def test_only_an_admin_manages_users(gateway, admin):
    agent = await gateway.create_user(admin, "agent", "leader")
    headers = await gateway.headers(agent["username"], agent["password"])
    refused = [
        await gateway.client.get(USERS, headers=headers),
        await gateway.client.get(f"{USERS}/{agent['id']}", headers=headers),
        await gateway.client.post(USERS, json={}, headers=headers),
        await gateway.client.patch(
            f"{USERS}/{agent['id']}", json={"roles": ["admin"]}, headers=headers
        ),
    ]
    assert [answer.status_code for answer in refused] == [403] * 4
    assert refused[0].json()["type"] == "urn:guanjia:problem:forbidden"
    assert (await gateway.client.get(USERS)).status_code == 401
    still = await gateway.client.get(f"{USERS}/{agent['id']}", headers=admin)
    assert still.json()["roles"] == ["agent", "leader"]


async def test_patching_a_password_replaces_the_old_one(gateway, admin):
    user = await gateway.create_user(admin, "agent")
    await gateway.client.patch(
        f"{USERS}/{user['id']}", json={"password": "the-new-password"}, headers=admin
    )
    assert await gateway.token(user["username"], "the-new-password")
    old = await gateway.client.post(
        "/api/v1/auth/token",
        data={"grant_type": "password", "username": user["username"], "password": user["password"]},
    )
    assert old.status_code == 401


async def test_patching_changes_only_the_fields_given(gateway, admin):
    user = await gateway.create_user(admin, "agent", unit_id="unit-1", department="后勤处")
    answer = await gateway.client.patch(
        f"{USERS}/{user['id']}", json={"roles": ["dept_head"], "unit_id": None}, headers=admin
    )
    body = answer.json()
    assert body["roles"] == ["dept_head"] and body["unit_id"] is None
    assert body["department"] == "后勤处" and body["display_name"] == "张三"


async def test_the_last_admin_can_neither_lose_the_role_nor_be_deactivated(gateway, admin):
    me = (await gateway.client.get("/api/v1/auth/me", headers=admin)).json()
    for change in ({"roles": ["agent"]}, {"active": False}):
        answer = await gateway.client.patch(f"{USERS}/{me['id']}", json=change, headers=admin)
        assert answer.status_code == 409
        assert answer.json()["rule"] == "keep-an-admin"
    await gateway.create_user(admin, "admin")
    demoted = await gateway.client.patch(
        f"{USERS}/{me['id']}", json={"roles": ["leader"]}, headers=admin
    )
    assert demoted.status_code == 200 and demoted.json()["roles"] == ["leader"]


async def test_an_unknown_user_is_a_404_problem(gateway, admin):
    answer = await gateway.client.get(f"{USERS}/no-such-user", headers=admin)
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/problem+json"


async def test_first_start_creates_admin_with_GUANJIA_ADMIN_PASSWORD(gateway_settings, monkeypatch):
    monkeypatch.setenv("GUANJIA_ADMIN_PASSWORD", "from-the-environment")
    configured = await gateway_settings()
    settings = Settings(**configured.model_dump(exclude={"admin_password"}))
    async with running_gateway(settings) as gateway:
        assert await gateway.token("admin", "from-the-environment")


async def test_first_start_without_a_password_prints_a_generated_one_once(gateway_settings, capsys):
    settings = (await gateway_settings()).model_copy(update={"admin_password": None})
    async with running_gateway(settings) as gateway:
        printed = capsys.readouterr().err
        (password,) = re.findall(r"user 'admin' with the password (\S+)", printed)
        me = await gateway.client.get(
            "/api/v1/auth/me", headers=bearer(await gateway.token("admin", password))
        )
        assert me.json()["roles"] == ["admin"]
    async with running_gateway(settings):
        assert "password" not in capsys.readouterr().err


async def test_a_restart_keeps_the_first_admin_as_it_was(start_gateway, gateway_settings):
    settings = await gateway_settings()
    async with start_gateway(database_url=settings.database_url) as gateway:
        assert await gateway.token("admin", ADMIN_PASSWORD)
    async with start_gateway(
        database_url=settings.database_url, GUANJIA_ADMIN_PASSWORD="a-different-one"
    ) as gateway:
        assert await gateway.token("admin", ADMIN_PASSWORD)
        total = (await gateway.client.get(USERS, headers=await gateway.headers())).json()["total"]
        assert total == 1


async def argon2_cost_of_the_admins_password(database_url: str) -> str:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            stored = await connection.scalar(
                text("SELECT password_hash FROM users WHERE username = 'admin'")
            )
    finally:
        await engine.dispose()
    return re.search(r"\$m=(\d+),t=(\d+),", stored).group(0)


async def test_a_login_rehashes_a_password_made_at_another_cost(start_gateway, gateway_settings):
    database_url = (await gateway_settings()).database_url
    product_cost = {
        "password_hash_memory_kib": DEFAULT_MEMORY_KIB,
        "password_hash_time_cost": DEFAULT_TIME_COST,
    }
    async with start_gateway(database_url=database_url, **product_cost):
        pass
    assert await argon2_cost_of_the_admins_password(database_url) == "$m=65536,t=3,"
    async with start_gateway(database_url=database_url) as gateway:
        assert await gateway.token("admin", ADMIN_PASSWORD)
        cheaper = TEST_HASHING_COST["password_hash_memory_kib"]
        assert await argon2_cost_of_the_admins_password(database_url) == f"$m={cheaper},t=1,"
        assert await gateway.token("admin", ADMIN_PASSWORD)
        refused = await gateway.client.post(
            "/api/v1/auth/token",
            data={"grant_type": "password", "username": "admin", "password": "not-it"},
        )
        assert refused.status_code == 401


async def test_a_password_is_kept_as_typed_spaces_included(gateway, admin):
    # The login form takes the password as typed: trimming it when it is set would lock
    # its user out.
    user = await gateway.create_user(admin, "agent")
    spaced = "  spaced password  "
    patched = await gateway.client.patch(
        f"{USERS}/{user['id']}", json={"password": spaced}, headers=admin
    )
    assert patched.status_code == 200, patched.text
    assert await gateway.token(user["username"], spaced)
    trimmed = await gateway.client.post(
        "/api/v1/auth/token",
        data={"grant_type": "password", "username": user["username"], "password": spaced.strip()},
    )
    assert trimmed.status_code == 401
    too_long = await gateway.client.patch(
        f"{USERS}/{user['id']}", json={"password": " " * 250 + "abcdefgh"}, headers=admin
    )
    assert too_long.status_code == 422
