"""Each unit's space figures are kept in the transaction of every change that moves them,
and today's report judges from them: after every kind of change — and after changes to
one unit at once —, the kept figures are what a fresh computation finds, and the report
lists as over exactly the units whose own answer is over."""

import asyncio
import uuid

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from asset_svc.compliance.models import UnitSpaceStatus
from asset_svc.compliance.service import compute_compliance
from asset_svc.database import MIGRATIONS
from asset_svc.register.models import Building, Room
from asset_svc.staffing.models import StaffingHeadcount, StaffingRecord
from asset_svc.staffing.queries import headcounts_by_unit
from asset_svc.units.models import Unit
from guanjia_shared.migrations import downgrade_database, upgrade_database

from ..asset_helpers import API, change, make_building, make_rooms, make_unit

REPORT = f"{API}/reports/space-compliance"


async def staff(client, admin, unit, **headcounts):
    lines = [{"rank": rank, "headcount": count} for rank, count in headcounts.items()]
    answer = await client.put(f"{API}/units/{unit}/staffing", json=lines, headers=admin)
    assert answer.status_code == 200, answer.text


async def moved(client, admin, type, **fields):
    answer = await change(client, admin, type, **fields)
    assert answer.status_code == 201, answer.text


async def assert_kept_figures_are_fresh(client, admin, session_factory):
    async with session_factory() as session:
        kept = {
            row.unit_id: (row.office_area, row.headcounts)
            for row in (await session.execute(select(UnitSpaceStatus))).scalars()
        }
        fresh = await compute_compliance(session=session)
        headcounts = await headcounts_by_unit(session)
    assert fresh, "no unit to compare"
    for unit in fresh:
        expected = (unit.actual_area, headcounts.get(unit.unit_id, {}))
        assert kept.get(unit.unit_id, (0.0, {})) == expected, unit.unit_name

    over = await client.get(REPORT, params={"status": "over", "limit": 100}, headers=admin)
    everyone = await client.get(REPORT, params={"sort": "-difference", "limit": 100}, headers=admin)
    assert over.status_code == everyone.status_code == 200, (over.text, everyone.text)
    own = {unit.unit_id: unit for unit in fresh}
    assert {line["unit_id"] for line in over.json()["items"]} == {
        unit.unit_id for unit in fresh if unit.status == "over"
    }
    assert over.json()["total"] == everyone.json()["units_over"] == len(over.json()["items"])
    differences = [line["difference"] for line in everyone.json()["items"]]
    assert differences == sorted((unit.difference for unit in fresh), reverse=True)
    for line in everyone.json()["items"]:
        assert line == own[line["unit_id"]].model_dump(mode="json")


async def test_the_kept_figures_follow_every_kind_of_change(client, admin, session_factory):
    check = lambda: assert_kept_figures_are_fresh(client, admin, session_factory)  # noqa: E731
    finance = await make_unit(client, admin, name="市财政局")
    education = await make_unit(client, admin, name="县教育局", level="county")
    audit = await make_unit(client, admin, name="市审计局")
    await staff(client, admin, finance, head=1, deputy=1)  # 42 + 30 = 72 m²
    await staff(client, admin, education, head=1, staff=2)  # 30 + 18 = 48 m²
    building = (await make_building(client, admin, finance))["id"]
    first, second, third, fourth = await make_rooms(
        client, admin, building, [30.5, 20.25, 40.0, 9.1]
    )
    annex = (await make_building(client, admin, finance, name="附楼"))["id"]
    [hall] = await make_rooms(client, admin, annex, [60.0], kind="service")
    await check()

    await moved(client, admin, "allocate", room_ids=[first, second, hall], unit_id=finance)
    await check()  # 50.75 of office for 72: within; the hall is not office
    await moved(client, admin, "allocate", room_ids=[third, fourth], unit_id=education)
    await check()  # 49.1 for 48: over
    await moved(
        client,
        admin,
        "reallocate",
        room_ids=[second],
        unit_id=education,
        effective_date="2025-04-01",
    )
    await check()
    # One reclaim taking rooms from two units at once.
    await moved(client, admin, "reclaim", room_ids=[first, second], effective_date="2025-05-01")
    await check()
    await moved(client, admin, "dispose", room_ids=[first], effective_date="2025-06-01")
    await check()
    await staff(client, admin, education, head=1, staff=5)  # 30 + 45 = 75: within again
    await staff(client, admin, audit, head=1)  # staffed, no rooms
    await check()
    answer = await client.patch(
        f"{API}/units/{education}", json={"level": "municipal"}, headers={**admin, "If-Match": "1"}
    )
    assert answer.status_code == 200, answer.text
    await check()  # another level's rates, the same figures
    standard = {
        "level": "municipal",
        "rank": "head",
        "area_per_person": 10.0,
        "effective_from": "2025-01-01",
    }
    answer = await client.post(f"{API}/space-standards", json=standard, headers=admin)
    assert answer.status_code == 201, answer.text
    await check()  # a new version in force: judged with it, no row changed


@pytest.mark.parametrize("rounds", [4])
async def test_changes_to_one_unit_at_once_leave_figures_holding_both(
    client, admin, session_factory, rounds
):
    """A staffing replaced while rooms are allocated: the second to lock the unit's row
    waits for the first to commit and reads both (on PostgreSQL, where they do run at once)."""
    unit = await make_unit(client, admin, name=f"局{uuid.uuid4().hex[:6]}")
    building = (await make_building(client, admin, unit))["id"]
    rooms = await make_rooms(client, admin, building, [10.0 + i for i in range(rounds)])
    for number, room in enumerate(rooms, start=1):
        await asyncio.gather(
            staff(client, admin, unit, head=1, staff=number),
            moved(client, admin, "allocate", room_ids=[room], unit_id=unit),
        )
        await assert_kept_figures_are_fresh(client, admin, session_factory)


async def test_the_migration_keeps_the_figures_of_units_that_existed_before(fresh_database):
    url = await fresh_database(MIGRATIONS)
    engine = create_async_engine(url)
    try:
        async with AsyncSession(engine, expire_on_commit=False) as session:
            held, empty, checked = (
                Unit(code=f"U-{name}", name=name, level="municipal")
                for name in ("held", "empty", "checked")
            )
            session.add_all([held, empty, checked])
            await session.flush()
            building = Building(
                name="楼", address="路", owner_unit_id=held.id, gross_area=900.0, use="office"
            )
            session.add(building)
            await session.flush()
            for number, (area, kind, occupant, disposed) in enumerate(
                [
                    (10.1, "office", held, False),
                    (20.2, "office", held, False),
                    (30.0, "service", held, False),
                    (40.0, "office", held, True),
                    (12.5, "office", checked, False),
                    (99.0, "office", None, False),
                ]
            ):
                session.add(
                    Room(
                        building_id=building.id,
                        floor=1,
                        number=str(number),
                        usable_area=area,
                        kind=kind,
                        occupant_unit_id=occupant.id if occupant else None,
                        disposed=disposed,
                    )
                )
            for unit, counts in ((held, {"head": 9}), (held, {"head": 1, "staff": 3})):
                record = StaffingRecord(unit_id=unit.id, actor_id="admin")
                session.add(record)
                await session.flush()
                session.add_all(
                    StaffingHeadcount(record_id=record.id, rank=rank, headcount=count)
                    for rank, count in counts.items()
                )
            session.add(UnitSpaceStatus(unit_id=checked.id, status="over"))
            await session.commit()
            units = {unit.name: unit.id for unit in (held, empty, checked)}
        await asyncio.to_thread(downgrade_database, MIGRATIONS, url, "0007")
        await asyncio.to_thread(upgrade_database, MIGRATIONS, url)
        async with AsyncSession(engine) as session:
            rows = {
                row.unit_id: (row.status, row.office_area, row.headcounts)
                for row in (await session.execute(select(UnitSpaceStatus))).scalars()
            }
    finally:
        await engine.dispose()

    assert rows == {
        units["held"]: ("within", 30.3, {"head": 1, "staff": 3}),
        units["checked"]: ("over", 12.5, {}),
    }
