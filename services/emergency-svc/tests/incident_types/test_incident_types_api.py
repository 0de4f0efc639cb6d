"""Incident types: the seeded reference data, what an admin adds, and what is refused."""

import pytest

from emergency_svc.database import MIGRATIONS
from emergency_svc.incident_types.seed import SEEDED_INCIDENT_TYPES
from emergency_svc.incident_types.service import ensure_known_type
from guanjia_shared.db import create_engine, create_session_factory
from guanjia_shared.errors import InvalidInput

TYPES = "/api/v1/emergency/incident-types"
PLANS = "/api/v1/emergency/plans"


async def _types(client, headers):
    listed = await client.get(TYPES, params={"limit": 500}, headers=headers)
    assert listed.status_code == 200, listed.text
    return {entry["code"]: entry["name"] for entry in listed.json()["items"]}


async def test_any_signed_in_user_reads_the_seeded_types(client, token_mint):
    types = await _types(client, token_mint.headers("unit_staff"))
    assert types == dict(SEEDED_INCIDENT_TYPES)
    assert types["food_safety"] == "食品安全（机关食堂）" and len(types) == 12


async def test_incident_types_need_a_token(client):
    assert (await client.get(TYPES)).status_code == 401


async def test_an_admin_adds_a_type_that_plans_may_then_name(client, token_mint):
    admin = token_mint.headers("admin")
    added = await client.post(
        TYPES, json={"code": "hazardous_chemicals", "name": "危险化学品泄漏"}, headers=admin
    )
    assert added.status_code == 201, added.text
    assert added.json() == {"code": "hazardous_chemicals", "name": "危险化学品泄漏"}
    assert (await _types(client, admin))["hazardous_chemicals"] == "危险化学品泄漏"

    plan = await client.post(
        PLANS,
        json={
            "code": "SP-HAZCHEM",
            "title": "危险化学品泄漏专项预案",
            "kind": "special",
            "incident_types": ["hazardous_chemicals"],
        },
        headers=admin,
    )
    assert plan.status_code == 201, plan.text


@pytest.mark.parametrize("role", ["leader", "commander", "unit_staff"])
async def test_only_an_admin_adds_a_type(client, token_mint, role):
    refused = await client.post(
        TYPES, json={"code": "landslide", "name": "山体滑坡"}, headers=token_mint.headers(role)
    )
    assert refused.status_code == 403
    assert "landslide" not in await _types(client, token_mint.headers("admin"))


async def test_a_type_code_is_added_once(client, token_mint):
    admin = token_mint.headers("admin")
    duplicate = await client.post(TYPES, json={"code": "fire", "name": "又一个火灾"}, headers=admin)
    assert duplicate.status_code == 409
    assert duplicate.json()["rule"] == "unique-incident-type-code"
    assert (await _types(client, admin))["fire"] == "火灾"


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ({"code": "Landslide", "name": "山体滑坡"}, "#/code"),
        ({"code": "land-slide", "name": "山体滑坡"}, "#/code"),
        ({"code": "1landslide", "name": "山体滑坡"}, "#/code"),
        ({"code": "land__slide", "name": "山体滑坡"}, "#/code"),
        ({"code": "x" * 65, "name": "山体滑坡"}, "#/code"),
        ({"code": "landslide", "name": ""}, "#/name"),
        ({"code": "landslide"}, "#/name"),
        ({"code": 7, "name": "山体滑坡"}, "#/code"),
        ({"code": "landslide", "name": "山体滑坡", "level": "I"}, "#/level"),
    ],
)
async def test_a_bad_type_is_refused(client, token_mint, body, pointer):
    admin = token_mint.headers("admin")
    refused = await client.post(TYPES, json=body, headers=admin)
    assert refused.status_code == 422
    assert [error["pointer"] for error in refused.json()["errors"]] == [pointer]
    assert len(await _types(client, admin)) == 12


async def test_ensure_known_type_refuses_an_unknown_code_at_the_pointer_given(fresh_database):
    engine = create_engine(await fresh_database(MIGRATIONS))
    try:
        async with create_session_factory(engine, service="emergency")() as session:
            await ensure_known_type(session, "gas_leak", "#/type")
            with pytest.raises(InvalidInput) as refused:
                await ensure_known_type(session, "volcano", "#/type")
    finally:
        await engine.dispose()
    assert refused.value.status == 422
    assert refused.value.extra["errors"] == [
        {"detail": "no incident type 'volcano'", "pointer": "#/type"}
    ]
