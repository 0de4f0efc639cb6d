"""The gateway's own routes × every role (and no token), from API.md: users and API
clients are admin only; `me` is any signed-in caller; the token endpoint, JWKS, the merged
schema and its docs, and the probes need no token. In front of the services, the gateway
refuses a tokenless call to any `/api/v1/…` path with 401 before proxying, and lets the
`/public/v1/…` ones through."""

from __future__ import annotations

import uuid

import pytest

from gateway.config import Settings
from gateway.database import MIGRATIONS
from gateway.main import create_app
from gateway.testing.harness import TEST_HASHING_COST
from guanjia_shared.auth import Role
from guanjia_shared.nats_server import free_port
from guanjia_shared.testing.apps import running_app
from tests.authorization.matrix import (
    CALLERS,
    PUBLIC,
    SIGNED_IN,
    Caller,
    DatabaseSnapshot,
    classification_gaps,
    mismatches,
    roles,
    row,
)

ADMIN = roles(Role.admin)
USERS = "/api/v1/auth/users"
CLIENTS = "/api/v1/auth/clients"
ME = "/api/v1/auth/me"

TABLE = [
    row("GET", "/healthz", PUBLIC),
    row(
        "GET",
        "/readyz",
        PUBLIC,
        expect=503,
        note="no service answers behind this gateway: not ready, to whoever asks",
    ),
    row("GET", "/readyz/gateway", PUBLIC, note="the gateway alone, as its readiness probe asks"),
    row(
        "POST",
        "/api/v1/auth/token",
        PUBLIC,
        content=lambda w: f"grant_type=password&username={w['login']}&password=a-long-password",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        note="a person's own credentials: no token is asked for",
    ),
    row("GET", "/.well-known/jwks.json", PUBLIC),
    row("GET", "/api/v1/auth/me", SIGNED_IN),
    row(
        "POST",
        USERS,
        ADMIN,
        body={"username": "newcomer", "password": "a-long-password", "display_name": "新人"},
        keep_as="newcomer",
    ),
    row(
        "GET",
        USERS,
        ADMIN,
        sees={ADMIN: ["first_admin", "caller", "someone", "colleague", "newcomer"]},
    ),
    row("GET", f"{USERS}/{{user_id}}", ADMIN, at={"user_id": "caller"}),
    row(
        "PATCH",
        f"{USERS}/{{user_id}}",
        ADMIN,
        at={"user_id": "someone"},
        body={"display_name": "x"},
    ),
    row(
        "GET",
        "/api/v1/auth/colleagues",
        roles(Role.admin, Role.leader, Role.auditor),
        query={"department": "物业管理处"},
        sees={roles(Role.admin, Role.leader, Role.auditor): ["colleague"]},
        note="a department not the caller's: the leadership, admin and auditors only; "
        "a department's own staff read their own (gateway/tests/users/test_colleagues_api.py)",
    ),
    row(
        "POST",
        CLIENTS,
        ADMIN,
        body={"name": "12345 hotline", "roles": ["integration"]},
        keep_as="new_client",
    ),
    row("GET", CLIENTS, ADMIN, sees={ADMIN: ["client", "new_client"]}),
    row("DELETE", f"{CLIENTS}/{{client_pk}}", ADMIN, at={"client_pk": "client"}),
    row(
        "PUT",
        f"{ME}/contacts/{{channel}}",
        SIGNED_IN,
        at={"channel": "mobile"},
        body={"address": "13800138000"},
        note="a person's own contact points; an API client's token has none (403, "
        "gateway/tests/contacts/test_contacts_api.py)",
    ),
    row(
        "GET",
        f"{ME}/contacts",
        SIGNED_IN,
        sees={SIGNED_IN: ["mobile"]},
        id_field="channel",
        note="the caller's own only: another person's wecom id being verified is not shown",
    ),
    row(
        "POST",
        f"{ME}/contacts/{{channel}}/verify",
        SIGNED_IN,
        at={"channel": "wecom"},
        body={"code": "123456"},
        expect=409,
        note="no code is out for the caller's wecom (only for another person's)",
    ),
    row("DELETE", f"{ME}/contacts/{{channel}}", SIGNED_IN, at={"channel": "mobile"}),
    row("GET", f"{ME}/preferences", SIGNED_IN),
    row("PUT", f"{ME}/preferences", SIGNED_IN, body={"topics": []}),
]
# Outside the schema: the merged schema and its docs, for anyone.
UNLISTED = [row("GET", "/openapi.json", PUBLIC), row("GET", "/docs", PUBLIC)]


@pytest.fixture
def gateway_settings(tmp_path, fresh_database, nats_server_url, event_namespace):
    async def _make() -> Settings:
        dead = {
            f"{name}_url": f"http://127.0.0.1:{free_port()}"
            for name in ("asset", "ticket", "ledger", "emergency")
        }
        return Settings(
            environment="test",
            database_url=await fresh_database(MIGRATIONS),
            migrate_on_start=False,
            nats_url=nats_server_url,
            event_namespace=event_namespace,
            data_dir=tmp_path / "data",
            log_json=False,
            GUANJIA_ADMIN_PASSWORD="admin-password-for-tests",
            openapi_refresh_seconds=3600,
            **TEST_HASHING_COST,
            **dead,
        )

    return _make


@pytest.mark.parametrize("caller_role", CALLERS)
async def test_each_gateway_route_answers_each_role_as_the_table_says(
    caller_role, gateway_settings
):
    settings = await gateway_settings()
    app = create_app(settings)
    async with running_app(app) as client:
        issuer = app.state.token_issuer

        def headers(role: str, subject: str) -> dict[str, str]:
            token = issuer.issue(
                subject=subject,
                username=role,
                name=role,
                roles=[role],
                unit_id=None,
                department=None,
                kind="user",
            ).access_token
            return {"Authorization": f"Bearer {token}"}

        keeper = headers("admin", str(uuid.uuid4()))
        first_admin = await client.get(USERS, headers=keeper)
        own_roles = [] if caller_role == "anonymous" else [caller_role]
        caller_user = await _create_user(client, keeper, own_roles)
        world = {
            "first_admin": [user["id"] for user in first_admin.json()["items"]],
            "caller": caller_user["id"],
            "login": caller_user["username"],
            "someone": (await _create_user(client, keeper, []))["id"],
            "colleague": (await _create_user(client, keeper, ["agent"], department="物业管理处"))[
                "id"
            ],
        }
        answer = await client.post(CLIENTS, json={"name": "old", "roles": []}, headers=keeper)
        world["client"] = answer.json()["id"]
        world.update(mobile="mobile", wecom="wecom")
        answer = await client.put(
            f"{ME}/contacts/wecom",
            json={"address": "someone_01"},
            headers=headers("agent", world["someone"]),
        )
        assert answer.status_code == 202, answer.text

        caller = Caller(caller_role, world["caller"], None, None)
        caller_headers = {} if caller_role == "anonymous" else headers(caller_role, caller.id)
        snapshot = DatabaseSnapshot(settings.database_url)
        try:
            found = await mismatches(
                client, TABLE + UNLISTED, caller, caller_headers, world, snapshot
            )
        finally:
            await snapshot.close()
        if caller_role == "anonymous":
            found += await _proxy_mismatches(client)
    assert not found, f"gateway as {caller_role}:\n" + "\n".join(found)


async def _create_user(
    client, admin: dict[str, str], own_roles: list[str], department: str | None = None
) -> dict:
    body = {
        "username": f"u{uuid.uuid4().hex[:10]}",
        "password": "a-long-password",
        "display_name": "用户",
        "roles": own_roles,
        "department": department,
    }
    answer = await client.post(USERS, json=body, headers=admin)
    assert answer.status_code == 201, answer.text
    return answer.json()


async def _proxy_mismatches(client) -> list[str]:
    """Without a token: 401 at the gateway for every service's API, never for the public
    paths (their services are down here, so those answer 502/503, not 401)."""
    found = []
    for path in (
        "/api/v1/asset/units",
        "/api/v1/ticket/tickets",
        "/api/v1/ledger/plans",
        "/api/v1/emergency/incidents",
    ):
        status = (await client.get(path)).status_code
        if status != 401:
            found.append(f"GET {path} without a token: expected 401, got {status}")
    for path in (
        "/public/v1/commitments",
        "/public/v1/ratings/summary",
        f"/public/v1/asset/units/{uuid.uuid4()}/summary",
    ):
        status = (await client.get(path)).status_code
        if status in (401, 403):
            found.append(f"GET {path} without a token: refused {status}")
    return found


def test_every_gateway_route_is_in_the_table(tmp_path):
    settings = Settings(
        environment="test",
        database_url=f"sqlite+aiosqlite:///{tmp_path}/unused.db",
        data_dir=tmp_path / "data",
    )
    gaps = classification_gaps(TABLE, create_app(settings).openapi())
    assert not gaps, "\n".join(gaps)
