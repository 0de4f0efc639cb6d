"""Shared rows for the tests here: units, a building and its rooms, laid down directly."""

from types import SimpleNamespace

import pytest

from asset_svc.register.models import Building, Room
from asset_svc.units.models import Unit


@pytest.fixture
async def books(add_rows) -> SimpleNamespace:
    """On the books: building X (the first unit's) with rooms 101 (30 m² office), 102 (20 m²
    office) and 103 (15 m² service), all held by the first unit; building Y with room 201
    (25 m² office) held by the second unit."""
    first = Unit(code="U-CZJ", name="市财政局", level="municipal")
    second = Unit(code="U-JYJ", name="市教育局", level="municipal")
    x = Building(
        name="一号楼", address="中原路1号", owner_unit_id=first.id, gross_area=900, use="office"
    )
    y = Building(
        name="二号楼", address="中原路2号", owner_unit_id=second.id, gross_area=500, use="office"
    )
    rooms = [
        Room(
            building_id=building.id,
            floor=1,
            number=number,
            usable_area=area,
            kind=kind,
            occupant_unit_id=holder.id,
        )
        for building, number, area, kind, holder in (
            (x, "101", 30.0, "office", first),
            (x, "102", 20.0, "office", first),
            (x, "103", 15.0, "service", first),
            (y, "201", 25.0, "office", second),
        )
    ]
    await add_rows(first, second, x, y, *rooms)
    return SimpleNamespace(first=first.id, second=second.id, x=x.id, y=y.id)
