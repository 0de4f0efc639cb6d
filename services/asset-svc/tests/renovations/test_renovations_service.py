"""The rules a leader alone sets aside, with the bureau's own settings, called directly.

Room 101 is 62.5 m²: 62 500.01 yuan is 1 000.00016 yuan/m², over a cap of 1 000 and
within one of 1 500. Rooms 101 and 102 are 62.5 + 40 = 102.5 m², at most 153 750.00 yuan
at 1 500 yuan/m²; the building's three rooms 62.5 + 40 + 30 = 132.5 m², 198 750.00 yuan.
"""

from datetime import UTC, date, datetime
from decimal import Decimal

from asset_svc.changes.models import ChangeRoom, PropertyChange
from asset_svc.renovations.models import Renovation, RenovationCreate
from asset_svc.renovations.service import request_renovation, rules_needing_a_leader
from guanjia_shared.auth import Principal
from guanjia_shared.clock import frozen_at

ADMIN = Principal(id="admin-1", username="admin", roles=frozenset({"admin"}))


async def requested(session_factory, room_ids, estimated_cost, area=62.5, building_id=None):
    data = RenovationCreate(
        room_ids=room_ids,
        building_id=building_id,
        title="翻新",
        area=area,
        estimated_cost=estimated_cost,
        reason="老化",
    )
    async with session_factory() as session:
        requested = await request_renovation(
            session=session,
            data=data,
            actor=ADMIN,
            cost_cap_per_m2=Decimal("1500"),
            min_years_between=8,
        )
        return requested.id


async def rules(session_factory, renovation_id, cap="1500", years=8):
    async with session_factory() as session:
        return await rules_needing_a_leader(
            session=session,
            renovation=await session.get(Renovation, renovation_id),
            cost_cap_per_m2=Decimal(cap),
            min_years_between=years,
        )


async def test_the_cost_cap_is_the_bureaus_setting(session_factory, holdings):
    renovation = await requested(session_factory, [holdings.room_101], "62500.01")
    assert await rules(session_factory, renovation, cap="1000") == ["renovation-cost-cap"]
    assert await rules(session_factory, renovation, cap="1500") == []


async def test_the_cost_cap_is_per_m2_of_the_rooms_not_of_the_area_declared(
    session_factory, holdings
):
    rooms = [holdings.room_101, holdings.room_102]
    # 102.5 m² renovated, 62.5 declared: the rooms' area sets the cap, 153 750.00.
    within = await requested(session_factory, rooms, "153750.00", area=62.5)
    assert await rules(session_factory, within) == []
    beyond = await requested(session_factory, rooms, "153750.01", area=62.5)
    assert await rules(session_factory, beyond) == ["renovation-cost-cap"]
    # A declared area larger than the room's does not raise the cap either.
    inflated = await requested(session_factory, [holdings.room_101], "93750.01", area=1000)
    assert await rules(session_factory, inflated) == ["renovation-cost-cap"]


async def test_a_whole_building_is_capped_on_the_area_of_its_rooms(session_factory, holdings):
    # Declared as the building's 5 000 m² gross area; its rooms are 132.5 m².
    within = await requested(
        session_factory, None, "198750.00", area=5000, building_id=holdings.building
    )
    assert await rules(session_factory, within) == []
    beyond = await requested(
        session_factory, None, "198750.01", area=5000, building_id=holdings.building
    )
    assert await rules(session_factory, beyond) == ["renovation-cost-cap"]


async def test_a_renovation_in_the_register_from_before_guanjia_counts(
    session_factory, holdings, add_rows
):
    change = PropertyChange(
        seq=1,
        type="renovate",
        building_id=holdings.building,
        effective_date=date(2020, 3, 1),
        actor_id="import",
        reason="2020年修缮（补录）",
    )
    await add_rows(change, ChangeRoom(change_id=change.id, room_id=holdings.room_101))
    renovation = await requested(session_factory, [holdings.room_101], "100.00")
    with frozen_at(datetime(2026, 1, 1, tzinfo=UTC)):
        assert await rules(session_factory, renovation, years=8) == ["renovation-min-years-between"]
        # 2020-03-01 plus five years is 2025-03-01, before 2026-01-01.
        assert await rules(session_factory, renovation, years=5) == []


async def test_a_building_renovated_as_a_whole_counts_for_its_rooms(
    session_factory, holdings, add_rows
):
    await add_rows(
        PropertyChange(
            seq=1,
            type="renovate",
            building_id=holdings.building,
            effective_date=date(2024, 5, 1),
            actor_id="import",
            reason="整栋修缮",
        )
    )
    renovation = await requested(session_factory, [holdings.room_102], "100.00")
    with frozen_at(datetime(2026, 1, 1, tzinfo=UTC)):
        assert await rules(session_factory, renovation) == ["renovation-min-years-between"]
