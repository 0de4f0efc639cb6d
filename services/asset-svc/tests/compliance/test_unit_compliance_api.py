"""A unit's office-room area against its space standard, worked by hand for each level."""

import uuid
from datetime import UTC, datetime

import pytest

from guanjia_shared.clock import frozen_at

from ..asset_helpers import API, change, make_building, make_rooms, make_unit


async def give_rooms(client, admin, unit, areas, *, kind="office", on="2024-01-10"):
    building = await make_building(client, admin, unit, name=f"楼{uuid.uuid4().hex[:6]}")
    rooms = await make_rooms(client, admin, building["id"], areas, kind=kind)
    answer = await change(
        client, admin, "allocate", effective_date=on, room_ids=rooms, unit_id=unit
    )
    assert answer.status_code == 201, answer.text
    return rooms


async def staff(client, admin, unit, **headcounts):
    lines = [{"rank": rank, "headcount": count} for rank, count in headcounts.items()]
    answer = await client.put(f"{API}/units/{unit}/staffing", json=lines, headers=admin)
    assert answer.status_code == 200, answer.text


async def compliance(client, headers, unit, as_of=None):
    params = {"as_of": as_of} if as_of else {}
    answer = await client.get(
        f"{API}/units/{unit}/space-compliance", params=params, headers=headers
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def figures(body):
    return (
        body["standard_area"],
        body["actual_area"],
        body["difference"],
        body["status"],
        body["excess"],
    )


LEVEL_CASES = [
    pytest.param(
        "central",
        {
            "head": 1,
            "deputy": 2,
            "bureau_director": 3,
            "deputy_bureau_director": 4,
            "division_director": 6,
            "staff": 10,
        },
        # 1×54 + 2×42 + 3×24 + 4×18 + 6×12 + 10×9 = 54 + 84 + 72 + 72 + 72 + 90 = 444
        [300.0, 150.0],
        (444.0, 450.0, 6.0, "over", 6.0),
        id="central",
    ),
    pytest.param(
        "provincial",
        {
            "head": 1,
            "deputy": 3,
            "department_director": 4,
            "deputy_department_director": 6,
            "division_director": 10,
            "deputy_division_director": 12,
            "staff": 30,
        },
        # 1×54 + 3×42 + 4×30 + 6×24 + 10×18 + 12×12 + 30×9 = 54 + 126 + 120 + 144 + 180 + 144 + 270 = 1038
        [600.0, 400.0],
        (1038.0, 1000.0, -38.0, "within", 0.0),
        id="provincial",
    ),
    pytest.param(
        "municipal",
        {"head": 1, "deputy": 2, "bureau_director": 5, "deputy_bureau_director": 8, "staff": 20},
        # 1×42 + 2×30 + 5×24 + 8×18 + 20×9 = 42 + 60 + 120 + 144 + 180 = 546: exactly at standard
        [500.0, 46.0],
        (546.0, 546.0, 0.0, "within", 0.0),
        id="municipal",
    ),
    pytest.param(
        "county",
        {"head": 1, "deputy": 3, "section_chief": 4, "deputy_section_chief": 6, "staff": 15},
        # 1×30 + 3×24 + 4×18 + 6×12 + 15×9 = 30 + 72 + 72 + 72 + 135 = 381
        [250.0, 150.0],
        (381.0, 400.0, 19.0, "over", 19.0),
        id="county",
    ),
    pytest.param(
        "township",
        {"head": 1, "deputy": 2, "staff": 12},
        # 1×18 + 2×12 + 12×9 = 18 + 24 + 108 = 150 (the county figures for 正科, 副科, 科级以下)
        [100.0, 49.5],
        (150.0, 149.5, -0.5, "within", 0.0),
        id="township",
    ),
]


@pytest.mark.parametrize(("level", "headcounts", "office_rooms", "expected"), LEVEL_CASES)
async def test_compliance_by_the_2014_standard_for_each_level(
    client, admin, level, headcounts, office_rooms, expected
):
    unit = await make_unit(client, admin, name=f"{level}单位", level=level)
    await give_rooms(client, admin, unit, office_rooms)
    await staff(client, admin, unit, **headcounts)
    body = await compliance(client, admin, unit)
    assert figures(body) == expected
    assert body["level"] == level and body["unit_name"] == f"{level}单位"
    assert {line["rank"]: line["headcount"] for line in body["headcount_by_rank"]} == headcounts
    assert body["total_headcount"] == sum(headcounts.values())


async def test_only_office_rooms_count_against_the_standard_the_other_classes_are_reported(
    client, admin
):
    unit = await make_unit(client, admin)
    await give_rooms(client, admin, unit, [40.0], kind="office")
    await give_rooms(client, admin, unit, [25.0, 5.5], kind="service")
    await give_rooms(client, admin, unit, [12.0], kind="equipment")
    await give_rooms(client, admin, unit, [30.0], kind="ancillary")
    await give_rooms(client, admin, unit, [200.0], kind="residential")
    await staff(client, admin, unit, head=1)  # 1×42 = 42
    body = await compliance(client, admin, unit)
    assert figures(body) == (42.0, 40.0, -2.0, "within", 0.0)
    assert body["area_by_class"] == {
        "office": 40.0,
        "service": 30.5,
        "equipment": 12.0,
        "ancillary": 30.0,
    }
    assert body["office_space_area"] == 40.0 + 30.5 + 12.0 + 30.0
    assert body["headcount_by_rank"][0] == {
        "rank": "head",
        "label": "市级正职",
        "headcount": 1,
        "area_per_person": 42.0,
    }


async def test_a_unit_without_staffing_has_no_standard_area(client, admin):
    unit = await make_unit(client, admin)
    await give_rooms(client, admin, unit, [18.0])
    assert figures(await compliance(client, admin, unit)) == (0.0, 18.0, 18.0, "over", 18.0)


async def test_a_new_standard_version_changes_compliance_only_from_its_date(client, admin):
    unit = await make_unit(client, admin)
    await give_rooms(client, admin, unit, [45.0], on="2024-01-10")
    with frozen_at(datetime(2024, 1, 2, 1, tzinfo=UTC)):
        await staff(client, admin, unit, head=1)
    version = {
        "level": "municipal",
        "rank": "head",
        "area_per_person": 48,
        "effective_from": "2025-01-01",
    }
    assert (
        await client.post(f"{API}/space-standards", json=version, headers=admin)
    ).status_code == 201
    # 1×42 = 42 until 2024-12-31; 1×48 = 48 from 2025-01-01
    assert figures(await compliance(client, admin, unit, "2024-12-31")) == (
        42.0,
        45.0,
        3.0,
        "over",
        3.0,
    )
    assert figures(await compliance(client, admin, unit, "2025-01-01")) == (
        48.0,
        45.0,
        -3.0,
        "within",
        0.0,
    )
    assert figures(await compliance(client, admin, unit)) == (48.0, 45.0, -3.0, "within", 0.0)
    on_the_eve = await compliance(client, admin, unit, "2024-12-31")
    assert on_the_eve["headcount_by_rank"][0]["area_per_person"] == 42.0


async def test_compliance_as_of_a_date_uses_the_staffing_and_rooms_of_that_date(client, admin):
    unit = await make_unit(client, admin)
    await give_rooms(client, admin, unit, [100.0], on="2024-01-10")
    await give_rooms(client, admin, unit, [60.0], on="2024-06-01")
    with frozen_at(datetime(2024, 1, 5, 1, tzinfo=UTC)):
        await staff(client, admin, unit, head=1, deputy=2)  # 1×42 + 2×30 = 102
    # 20:00 UTC on 19 May is 04:00 on 20 May in the bureau's calendar.
    with frozen_at(datetime(2024, 5, 19, 20, tzinfo=UTC)):
        await staff(client, admin, unit, head=1)  # 1×42 = 42
    assert figures(await compliance(client, admin, unit, "2024-01-04")) == (
        0.0,
        0.0,
        0.0,
        "within",
        0.0,
    )
    assert figures(await compliance(client, admin, unit, "2024-01-09")) == (
        102.0,
        0.0,
        -102.0,
        "within",
        0.0,
    )
    assert figures(await compliance(client, admin, unit, "2024-05-19")) == (
        102.0,
        100.0,
        -2.0,
        "within",
        0.0,
    )
    assert figures(await compliance(client, admin, unit, "2024-05-20")) == (
        42.0,
        100.0,
        58.0,
        "over",
        58.0,
    )
    assert figures(await compliance(client, admin, unit, "2024-06-01")) == (
        42.0,
        160.0,
        118.0,
        "over",
        118.0,
    )
    assert figures(await compliance(client, admin, unit)) == (42.0, 160.0, 118.0, "over", 118.0)
    assert (await compliance(client, admin, unit, "2024-05-19"))["as_of"] == "2024-05-19"


async def test_unit_staff_and_clients_read_only_their_own_units_compliance(
    client, admin, token_mint
):
    mine, theirs = await make_unit(client, admin, "甲局"), await make_unit(client, admin, "乙局")
    for role in ("unit_staff", "integration"):
        headers = token_mint.headers(role, unit_id=mine)
        await compliance(client, headers, mine)
        refused = await client.get(f"{API}/units/{theirs}/space-compliance", headers=headers)
        assert refused.status_code == 403, role
    for role in ("leader", "auditor"):
        await compliance(client, token_mint.headers(role), theirs)


async def test_the_compliance_of_an_unknown_unit_is_a_404(client, admin):
    answer = await client.get(f"{API}/units/nope/space-compliance", headers=admin)
    assert answer.status_code == 404
