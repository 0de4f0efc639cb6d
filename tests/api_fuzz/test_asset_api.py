"""asset-svc against its own OpenAPI document: no 5xx, and every answer (status, content
type, body) as documented, for schema-valid and schema-violating cases alike."""

import pytest
from hypothesis import settings

from asset_svc.config import Settings
from asset_svc.main import create_app
from tests.api_fuzz.fuzzing import FUZZ_SETTINGS, ON_POSTGRES, ON_SQLITE, FuzzedService, Seeder

API = "/api/v1/asset"


def seed(api: Seeder) -> None:
    """Two units holding a building with rooms, an allocation, staffing, seats, a flat
    with its household, a renovation and a stocktake."""
    for code, name in (("FUZZ-1", "市财政局"), ("FUZZ-2", "市教育局")):
        api.post(
            f"{API}/units", {"code": code, "name": name, "level": "municipal"}, keep_as="unit_id"
        )
    owner = api.first("unit_id")
    api.post(
        f"{API}/land-parcels",
        {"location": "中原路233号", "area": 5000.0, "use": "office", "owner_unit_id": owner},
        keep_as="parcel_id",
    )
    building = api.post(
        f"{API}/buildings",
        {
            "name": "市政府一号楼",
            "address": "中原路233号",
            "land_parcel_id": api.first("parcel_id"),
            "owner_unit_id": owner,
            "gross_area": 12000.0,
            "usable_area": 9000.0,
            "use": "office",
        },
        keep_as="building_id",
    )["id"]
    for number, area in (("101", 18.0), ("102", 24.0), ("103", 12.0)):
        api.post(
            f"{API}/rooms",
            {
                "building_id": building,
                "floor": 1,
                "number": number,
                "usable_area": area,
                "kind": "office",
            },
            keep_as="room_id",
        )
    rooms = api.ids["room_id"]
    api.post(
        f"{API}/changes",
        {
            "type": "allocate",
            "effective_date": "2024-01-01",
            "reason": "分配",
            "room_ids": rooms[:2],
            "unit_id": owner,
        },
        keep_as="change_id",
    )
    api.call("PUT", f"{API}/units/{owner}/staffing", [{"rank": "staff", "headcount": 3}])
    api.post(
        f"{API}/rooms/{rooms[0]}/seats",
        {"name": "张三", "rank": "staff", "effective_date": "2024-02-01"},
        keep_as="seat_id",
    )
    flat = api.post(
        f"{API}/housing",
        {"building_id": building, "number": "1-201", "usable_area": 89.5},
        keep_as="housing_unit_id",
    )["id"]
    occupant = api.post(f"{API}/housing/occupants", {"name": "李四", "unit_id": owner})["id"]
    api.post(
        f"{API}/housing/{flat}/move-in", {"occupant_id": occupant, "effective_date": "2024-03-01"}
    )
    api.post(
        f"{API}/renovations",
        {
            "room_ids": rooms[:1],
            "title": "粉刷",
            "area": 18.0,
            "estimated_cost": "9000.00",
            "reason": "墙面老化",
        },
        keep_as="renovation_id",
    )
    api.post(
        f"{API}/stocktakes", {"title": "2024年度清查", "unit_id": owner}, keep_as="stocktake_id"
    )


ASSET = FuzzedService("asset", create_app, Settings, seed)
schema = ASSET.schema()


@pytest.fixture
def asset(live_services, database_backend):
    return live_services.get(ASSET, database_backend)


@schema.parametrize()
@settings(FUZZ_SETTINGS, max_examples=25)
@ON_SQLITE
def test_asset_api_as_bureau_lead(case, asset):
    asset.call_and_validate(case, asset.bureau_lead)


@schema.parametrize()
@settings(FUZZ_SETTINGS, max_examples=10)
@ON_POSTGRES
def test_asset_api_as_bureau_lead_on_postgres(case, asset):
    asset.call_and_validate(case, asset.bureau_lead)


@schema.parametrize()
@settings(FUZZ_SETTINGS, max_examples=5)
@ON_SQLITE
def test_asset_api_as_unit_staff(case, asset):
    asset.call_and_validate(case, asset.unit_staff)


@schema.parametrize()
@settings(FUZZ_SETTINGS, max_examples=3)
@ON_POSTGRES
def test_asset_api_as_unit_staff_on_postgres(case, asset):
    asset.call_and_validate(case, asset.unit_staff)
