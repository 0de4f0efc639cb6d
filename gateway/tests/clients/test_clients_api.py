"""API clients at /api/v1/auth/clients: admin only, the secret shown once, revoked on delete."""

from gateway.testing.harness import bearer

CLIENTS = "/api/v1/auth/clients"


async def create(gateway, admin, **fields):
    body = {"name": "市不动产登记系统", "roles": ["integration"], **fields}
    return await gateway.client.post(CLIENTS, json=body, headers=admin)


async def client_token(gateway, client: dict):
    return await gateway.client.post(
        "/api/v1/auth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": client["client_id"],
            "client_secret": client["client_secret"],
        },
    )


async def test_creating_a_client_shows_its_secret_this_once(gateway, admin):
    created = await create(gateway, admin, unit_id="unit-3")
    assert created.status_code == 201, created.text
    client = created.json()
    assert {"id", "client_id", "client_secret", "name", "roles"} <= client.keys()
    assert client["roles"] == ["integration"] and client["unit_id"] == "unit-3"
    assert created.headers["cache-control"] == "no-store"
    listing = (await gateway.client.get(CLIENTS, headers=admin)).json()
    assert listing["total"] == 1
    assert "secret" not in repr(listing).lower()
    assert listing["items"][0]["client_id"] == client["client_id"]


async def test_a_deleted_client_gets_no_more_tokens_and_its_token_is_refused(gateway, admin):
    client = (await create(gateway, admin)).json()
    token = (await client_token(gateway, client)).json()["access_token"]
    deleted = await gateway.client.delete(f"{CLIENTS}/{client['id']}", headers=admin)
    assert deleted.status_code == 204
    assert (await client_token(gateway, client)).status_code == 401
    assert (await gateway.client.get("/api/v1/auth/me", headers=bearer(token))).status_code == 401
    listed = (await gateway.client.get(CLIENTS, headers=admin)).json()["items"]
    assert [item["active"] for item in listed] == [False]


async def test_only_an_admin_manages_clients(gateway, admin):
    auditor = await gateway.create_user(admin, "auditor")
    headers = await gateway.headers(auditor["username"], auditor["password"])
    client = (await create(gateway, admin)).json()
    refused = [
        await create(gateway, headers),
        await gateway.client.get(CLIENTS, headers=headers),
        await gateway.client.delete(f"{CLIENTS}/{client['id']}", headers=headers),
    ]
    assert [answer.status_code for answer in refused] == [403, 403, 403]
    assert (await client_token(gateway, client)).status_code == 200


async def test_a_client_with_an_unknown_role_is_refused(gateway, admin):
    answer = await create(gateway, admin, roles=["superuser"])
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["pointer"] == "#/roles/0"


async def test_deleting_an_unknown_client_is_a_404_problem(gateway, admin):
    answer = await gateway.client.delete(f"{CLIENTS}/no-such-client", headers=admin)
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/problem+json"
