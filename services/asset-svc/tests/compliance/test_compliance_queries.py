"""The city-wide report reads every unit in the same few queries, however many units."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import event

from asset_svc.changes.models import ChangeRoom, PropertyChange
from asset_svc.compliance.service import compute_compliance
from asset_svc.database import MIGRATIONS
from asset_svc.register.models import Building, Room
from asset_svc.staffing.models import StaffingHeadcount, StaffingRecord
from asset_svc.standards.models import SpaceStandard
from asset_svc.units.models import Unit
from guanjia_shared.db import create_engine, create_session_factory


@pytest.fixture
async def engine(fresh_database):
    engine = create_engine(await fresh_database(MIGRATIONS))
    yield engine
    await engine.dispose()


async def add_units(factory, first, count):
    """Units each with a room of 20 m² allocated on 2024-01-10 and one head of staff."""
    async with factory() as session:
        if first == 1:  # a version of its own: PostgreSQL test databases start without the seed
            session.add(
                SpaceStandard(
                    level="municipal",
                    rank="head",
                    effective_from=date(2020, 1, 1),
                    label="市级正职",
                    area_per_person=42,
                )
            )
        for number in range(first, first + count):
            unit = Unit(code=f"U{number:05}", name=f"单位{number}", level="municipal")
            building = Building(
                name="楼", address="路", owner_unit_id=unit.id, gross_area=100, use="office"
            )
            room = Room(
                building_id=building.id,
                floor=1,
                number="101",
                usable_area=20.0,
                kind="office",
                occupant_unit_id=unit.id,
            )
            allocation = PropertyChange(
                seq=number,
                type="allocate",
                unit_id=unit.id,
                effective_date=date(2024, 1, 10),
                actor_id="a",
                reason="分配",
            )
            for row in (unit, building, room, allocation):
                session.add(row)
                await session.flush()
            session.add(
                ChangeRoom(change_id=allocation.id, room_id=room.id, occupant_after=unit.id)
            )
            record = StaffingRecord(
                unit_id=unit.id, actor_id="a", recorded_at=datetime(2024, 1, 5, tzinfo=UTC)
            )
            session.add(record)
            await session.flush()
            session.add(StaffingHeadcount(record_id=record.id, rank="head", headcount=1))
        await session.commit()


async def statements_to_compute(engine, factory, as_of):
    statements = []

    def count(*_):
        statements.append(1)

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        async with factory() as session:
            rows = await compute_compliance(session=session, as_of=as_of)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)
    # 1 × 42 m² of standard against 20 m² held
    assert {(row.standard_area, row.actual_area, row.status) for row in rows} == {
        (42.0, 20.0, "within")
    }
    return len(rows), len(statements)


@pytest.mark.parametrize("as_of", [None, date(2025, 1, 1)], ids=["today", "as_of"])
async def test_the_report_takes_as_many_queries_for_forty_units_as_for_two(engine, as_of):
    factory = create_session_factory(engine, service="asset")
    await add_units(factory, 1, 2)
    units, few = await statements_to_compute(engine, factory, as_of)
    assert units == 2 and few <= 5
    await add_units(factory, 3, 38)
    assert await statements_to_compute(engine, factory, as_of) == (40, few)
