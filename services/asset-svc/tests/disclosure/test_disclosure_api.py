"""Disclosure (信息公开): a unit's office-space figures for anyone, and nothing personal."""

import pytest

from ..asset_helpers import API, change, make_building, make_rooms, make_unit

SUMMARY = "/public/v1/asset/units/{}/summary"


@pytest.mark.on_day("2026-06-01T10:00:00+08:00")  # the summary is of today
async def test_a_units_summary_needs_no_token_and_holds_only_totals(client, admin):
    unit = await make_unit(client, admin, name="市财政局")
    building = await make_building(client, admin, unit)
    offices = await make_rooms(client, admin, building["id"], [30.0, 24.0])
    leader_office = await client.post(
        f"{API}/rooms",
        json={
            "building_id": building["id"],
            "floor": 8,
            "number": "801",
            "usable_area": 41.5,
            "kind": "office",
            "leader_office": True,
        },
        headers=admin,
    )
    assert leader_office.status_code == 201, leader_office.text
    service_rooms = await make_rooms(
        client,
        admin,
        (await make_building(client, admin, unit, name="二号楼"))["id"],
        [60.0],
        kind="service",
    )
    rooms = [*offices, leader_office.json()["id"], *service_rooms]
    assert (
        await change(client, admin, "allocate", room_ids=rooms, unit_id=unit)
    ).status_code == 201
    staffing = [{"rank": "head", "headcount": 1}, {"rank": "staff", "headcount": 4}]
    assert (
        await client.put(f"{API}/units/{unit}/staffing", json=staffing, headers=admin)
    ).status_code == 200

    answer = await client.get(SUMMARY.format(unit))
    assert answer.status_code == 200, answer.text
    summary = answer.json()
    # 1×42 + 4×9 = 78 against 30 + 24 + 41.5 = 95.5 of office rooms
    assert summary == {
        "unit_id": unit,
        "unit_name": "市财政局",
        "level": "municipal",
        "as_of": "2026-06-01",
        "area_by_class": {"office": 95.5, "service": 60.0, "equipment": 0.0, "ancillary": 0.0},
        "office_space_area": 155.5,
        "standard_area": 78.0,
        "status": "over",
    }
    # No room number or rank anywhere (the unit's random id could itself contain "801").
    text = answer.text.replace(unit, "")
    assert "801" not in text and "leader" not in text and "headcount" not in text


async def test_an_unknown_units_summary_is_a_404_problem(client):
    answer = await client.get(SUMMARY.format("nope"))
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/problem+json"
