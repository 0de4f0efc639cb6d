"""Shared rows for the tests here: units and a residential building, laid down directly."""

from types import SimpleNamespace

import pytest

from asset_svc.register.models import Building
from asset_svc.units.models import Unit


@pytest.fixture
async def estate(add_rows) -> SimpleNamespace:
    """Two units and a residential building of the bureau's."""
    first = Unit(code="U-CZJ", name="市财政局", level="municipal")
    second = Unit(code="U-JYJ", name="市教育局", level="municipal")
    building = Building(
        name="机关家属院3号楼",
        address="政七街5号",
        owner_unit_id=first.id,
        gross_area=3000,
        use="residential",
    )
    await add_rows(first, second, building)
    return SimpleNamespace(first=first.id, second=second.id, building=building.id)
