"""Reserving supplies for an incident and releasing them: the rules the incidents call,
then the reservation endpoints."""

import asyncio
import uuid

from sqlalchemy import select

from emergency_svc.plans.document import SupplyRequirementIn
from emergency_svc.supplies.models import SupplyReservation
from emergency_svc.supplies.service import (
    release_for_incident,
    reserve_for_incident,
    shortfalls,
)
from guanjia_shared.db import create_engine, create_session_factory

API = "/api/v1/emergency/supplies"


def need(**units: int) -> list[SupplyRequirementIn]:
    return [SupplyRequirementIn(item_code=code, quantity=n) for code, n in units.items()]


async def reserve(session_factory, incident_id, requirements, *, is_drill=False):
    async with session_factory() as session:
        reservations = await reserve_for_incident(
            session, incident_id=incident_id, requirements=requirements, is_drill=is_drill
        )
        await session.commit()
        return reservations


def held(reservations) -> list[tuple]:
    return [
        (r.item_code, r.location, r.quantity, r.status)
        for r in sorted(reservations, key=lambda r: (r.item_code, r.status, -r.quantity))
    ]


async def test_reservations_take_from_the_fullest_locations_first_and_report_a_shortfall(
    client, commander, session_factory, add_stock
):
    await add_stock("一号楼地下仓库", "sandbag", 30)
    await add_stock("二号楼仓库", "sandbag", 50)
    await add_stock("三号楼车库", "sandbag", 10)
    await add_stock("一号楼地下仓库", "generator", 1)

    incident = str(uuid.uuid4())
    reservations = await reserve(session_factory, incident, need(sandbag=70, generator=3))

    assert held(reservations) == [
        ("generator", "一号楼地下仓库", 1, "active"),
        ("generator", None, 2, "shortfall"),
        ("sandbag", "二号楼仓库", 50, "active"),
        ("sandbag", "一号楼地下仓库", 20, "active"),
    ]
    assert shortfalls(reservations) == {"generator": 2}
    assert all(not r.is_drill for r in reservations)
    listing = await client.get(API, params={"item_code": "sandbag"}, headers=commander)
    stock = {
        row["location"]: (row["reserved"], row["available"]) for row in listing.json()["items"]
    }
    assert stock == {"一号楼地下仓库": (20, 10), "二号楼仓库": (50, 0), "三号楼车库": (0, 10)}


async def test_a_second_incident_gets_only_what_the_first_left(session_factory, add_stock):
    await add_stock("一号楼地下仓库", "fire_extinguisher", 8)
    first = await reserve(session_factory, "incident-1", need(fire_extinguisher=5))
    second = await reserve(session_factory, "incident-2", need(fire_extinguisher=5))
    assert held(first) == [("fire_extinguisher", "一号楼地下仓库", 5, "active")]
    assert held(second) == [
        ("fire_extinguisher", "一号楼地下仓库", 3, "active"),
        ("fire_extinguisher", None, 2, "shortfall"),
    ]


async def test_an_item_nobody_stocks_is_a_shortfall_never_an_error(session_factory):
    reservations = await reserve(session_factory, "incident-1", need(snow_shovel=4, unicorn=1))
    assert shortfalls(reservations) == {"snow_shovel": 4, "unicorn": 1}
    assert await reserve(session_factory, "incident-2", []) == []


async def test_releasing_an_incident_returns_its_units_and_keeps_the_record_of_shortfalls(
    session_factory, add_stock
):
    await add_stock("一号楼地下仓库", "raincoat", 10)
    await reserve(session_factory, "incident-1", need(raincoat=12))
    async with session_factory() as session:
        assert await release_for_incident(session, "incident-1") == 1
        await session.commit()
    async with session_factory() as session:
        rows = (
            await session.execute(
                select(SupplyReservation.status, SupplyReservation.quantity)
                .where(SupplyReservation.incident_id == "incident-1")
                .order_by(SupplyReservation.status)
            )
        ).all()
        assert [tuple(row) for row in rows] == [("released", 10), ("shortfall", 2)]
        assert await release_for_incident(session, "incident-1") == 0
    again = await reserve(session_factory, "incident-2", need(raincoat=10))
    assert held(again) == [("raincoat", "一号楼地下仓库", 10, "active")]


async def test_drill_holds_are_marked_and_never_stand_in_a_real_emergencys_way(
    session_factory, add_stock
):
    await add_stock("一号楼地下仓库", "generator", 2)
    drill = await reserve(session_factory, "drill-incident", need(generator=2), is_drill=True)
    assert [(r.quantity, r.is_drill, r.status) for r in drill] == [(2, True, "active")]
    another_drill = await reserve(session_factory, "drill-2", need(generator=1), is_drill=True)
    assert shortfalls(another_drill) == {"generator": 1}
    real = await reserve(session_factory, "fire", need(generator=2))
    assert held(real) == [("generator", "一号楼地下仓库", 2, "active")]


async def test_two_incidents_reserving_the_last_units_at_once_never_both_get_them(
    running_service, session_factory, add_stock
):
    await add_stock("一号楼地下仓库", "sandbag", 10)
    await add_stock("二号楼仓库", "sandbag", 5)
    engines = [create_engine(running_service.settings.database_url) for _ in range(2)]
    factories = [create_session_factory(engine, service="emergency") for engine in engines]

    async def reserve_slowly(factory, incident_id):
        async with factory() as session:
            reservations = await reserve_for_incident(
                session, incident_id=incident_id, requirements=need(sandbag=12), is_drill=False
            )
            await asyncio.sleep(0.2)  # hold the transaction open: the other one overlaps it
            await session.commit()
            return sum(r.quantity for r in reservations if not r.is_shortfall)

    try:
        got = await asyncio.gather(
            reserve_slowly(factories[0], "incident-a"), reserve_slowly(factories[1], "incident-b")
        )
    finally:
        for engine in engines:
            await engine.dispose()
    assert sorted(got) == [3, 12]
    async with session_factory() as session:
        reserved = (
            await session.execute(
                select(SupplyReservation.quantity).where(SupplyReservation.status == "active")
            )
        ).scalars()
        assert sum(reserved) == 15


async def test_an_issue_for_an_incident_uses_its_reservation_but_not_anothers(
    client, commander, session_factory, add_stock
):
    stock = await add_stock("一号楼地下仓库", "drinking_water", 10)
    await reserve(session_factory, "incident-1", need(drinking_water=6))
    url = f"{API}/{stock['id']}/movements"
    refused = await client.post(
        url, json={"kind": "issue", "quantity": 5, "reason": "会议用水"}, headers=commander
    )
    assert refused.status_code == 409
    for_incident = await client.post(
        url,
        json={"kind": "issue", "quantity": 6, "reason": "现场补给", "incident_id": "incident-1"},
        headers=commander,
    )
    assert for_incident.status_code == 201, for_incident.text
    listing = await client.get(
        f"{API}/reservations", params={"incident_id": "incident-1"}, headers=commander
    )
    [reservation] = listing.json()["items"]
    assert (reservation["status"], reservation["issued_quantity"]) == ("issued", 6)
    row = (await client.get(f"{API}/{stock['id']}", headers=commander)).json()
    assert (row["quantity"], row["reserved"], row["available"]) == (4, 0, 4)


async def test_a_reservation_is_listed_by_incident_and_released_by_hand_once(
    client, commander, token_mint, session_factory, add_stock
):
    await add_stock("一号楼地下仓库", "mask", 100)
    await add_stock("二号楼仓库", "mask", 20)
    await reserve(session_factory, "incident-1", need(mask=110))
    await reserve(session_factory, "incident-2", need(mask=5), is_drill=True)

    listing = await client.get(
        f"{API}/reservations", params={"incident_id": "incident-1"}, headers=commander
    )
    assert listing.status_code == 200, listing.text
    body = listing.json()
    assert body["total"] == 2
    assert sorted((r["location"], r["quantity"]) for r in body["items"]) == [
        ("一号楼地下仓库", 100),
        ("二号楼仓库", 10),
    ]
    drills = await client.get(f"{API}/reservations", params={"is_drill": "true"}, headers=commander)
    assert [r["incident_id"] for r in drills.json()["items"]] == ["incident-2"]

    target = next(r for r in body["items"] if r["location"] == "二号楼仓库")
    url = f"{API}/reservations/{target['id']}/release"
    assert (await client.post(url, headers=token_mint.headers("agent"))).status_code == 403
    released = await client.post(url, headers=commander)
    assert released.status_code == 200, released.text
    assert released.json()["status"] == "released"
    assert released.json()["released_by"] is not None
    again = await client.post(url, headers=commander)
    assert again.status_code == 409
    assert again.json()["rule"] == "release-only-active"
    missing = await client.post(f"{API}/reservations/nope/release", headers=commander)
    assert missing.status_code == 404
