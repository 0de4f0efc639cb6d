"""Shared rows for the tests here: units, a building and its rooms, laid down directly."""

from types import SimpleNamespace

import pytest

from asset_svc.register.models import Building, Room
from asset_svc.units.models import Unit


@pytest.fixture
async def holdings(add_rows) -> SimpleNamespace:
    """Two units; a building of the first; its rooms 101 (62.5 m²) and 102 held by the
    first unit, 201 by the second."""
    first = Unit(code="U-CZJ", name="市财政局", level="municipal")
    second = Unit(code="U-JYJ", name="市教育局", level="municipal")
    building = Building(
        name="市政府一号楼",
        address="中原路233号",
        owner_unit_id=first.id,
        gross_area=5000,
        use="office",
    )
    rooms = [
        Room(
            building_id=building.id,
            floor=1,
            number=number,
            usable_area=area,
            kind="office",
            occupant_unit_id=holder.id,
        )
        for number, area, holder in (
            ("101", 62.5, first),
            ("102", 40.0, first),
            ("201", 30.0, second),
        )
    ]
    await add_rows(first, second, building, *rooms)
    return SimpleNamespace(
        first=first.id,
        second=second.id,
        building=building.id,
        room_101=rooms[0].id,
        room_102=rooms[1].id,
        room_201=rooms[2].id,
    )
