"""As-of answers across a sequence of allocations, reallocations and reclaims."""

from datetime import UTC, datetime

from guanjia_shared.clock import frozen_at

from ..asset_helpers import API, change, make_building, make_rooms, make_unit


async def test_occupancy_and_history_answer_any_past_date(client, admin):
    first, second = await make_unit(client, admin, "甲局"), await make_unit(client, admin, "乙局")
    building = await make_building(client, admin, first)
    a, b, c = await make_rooms(client, admin, building["id"], [20.0, 30.0, 15.5])
    steps = [
        ("allocate", "2024-01-10", {"room_ids": [a, b], "unit_id": first}),
        ("allocate", "2024-03-01", {"room_ids": [c], "unit_id": second}),
        ("reallocate", "2024-06-15", {"room_ids": [b], "unit_id": second}),
        ("reclaim", "2024-09-30", {"room_ids": [a]}),
    ]
    for type, day, fields in steps:
        answer = await change(client, admin, type, effective_date=day, **fields)
        assert answer.status_code == 201, answer.text

    async def held(unit, day=None):
        params = {"as_of": day} if day else {}
        answer = await client.get(f"{API}/units/{unit}/occupancy", params=params, headers=admin)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        return sorted(room["id"] for room in body["rooms"]), body["total_area"]

    assert await held(first, "2024-01-09") == ([], 0)
    assert await held(first, "2024-01-10") == (sorted([a, b]), 50.0)
    assert await held(second, "2024-03-01") == ([c], 15.5)
    assert await held(first, "2024-06-15") == ([a], 20.0)
    assert await held(second, "2024-06-15") == (sorted([b, c]), 45.5)
    assert await held(first, "2024-09-30") == ([], 0)
    assert await held(first) == ([], 0)
    assert await held(second) == (sorted([b, c]), 45.5)

    history = (await client.get(f"{API}/rooms/{b}/history", headers=admin)).json()
    assert [(entry["type"], entry["date"], entry["occupant_after"]) for entry in history] == [
        ("allocate", "2024-01-10", first),
        ("reallocate", "2024-06-15", second),
    ]


async def test_today_and_later_days_are_answered_as_the_register_stands_with_todays_changes(
    client, admin
):
    first, second = await make_unit(client, admin, "甲局"), await make_unit(client, admin, "乙局")
    building = await make_building(client, admin, first)
    a, b = await make_rooms(client, admin, building["id"], [20.0, 30.0])

    async def held(unit, day=None):
        params = {"as_of": day} if day else {}
        answer = await client.get(f"{API}/units/{unit}/occupancy", params=params, headers=admin)
        assert answer.status_code == 200, answer.text
        return sorted(room["id"] for room in answer.json()["rooms"])

    async def city(day=None):
        params = {"as_of": day} if day else {}
        answer = await client.get(f"{API}/reports/space-compliance", params=params, headers=admin)
        assert answer.status_code == 200, answer.text
        return {item["unit_id"]: item["actual_area"] for item in answer.json()["items"]}

    # 02:00 UTC on 15 June is 10:00 that day in the bureau's calendar.
    with frozen_at(datetime(2024, 6, 15, 2, tzinfo=UTC)):
        for type, day, fields in [
            ("allocate", "2024-06-14", {"room_ids": [a, b], "unit_id": first}),
            ("reallocate", "2024-06-15", {"room_ids": [b], "unit_id": second}),
        ]:
            answer = await change(client, admin, type, effective_date=day, **fields)
            assert answer.status_code == 201, answer.text

        assert await held(first, "2024-06-14") == sorted([a, b])
        # Today's change counts today, and on any later day, as the register stands.
        for day in ("2024-06-15", "2024-07-01", None):
            assert await held(first, day) == [a], day
            assert await held(second, day) == [b], day
        assert (await city("2024-06-14"))[first] == 50.0
        for day in ("2024-06-15", "2024-07-01", None):
            areas = await city(day)
            assert (areas[first], areas[second]) == (20.0, 30.0), day


async def test_unit_staff_see_only_their_own_units_occupancy(client, admin, token_mint):
    mine, theirs = await make_unit(client, admin, "甲局"), await make_unit(client, admin, "乙局")
    staff = token_mint.headers("unit_staff", unit_id=mine)
    assert (await client.get(f"{API}/units/{mine}/occupancy", headers=staff)).status_code == 200
    assert (await client.get(f"{API}/units/{theirs}/occupancy", headers=staff)).status_code == 403


async def test_an_as_of_that_is_not_an_iso_day_is_refused(client, admin):
    unit = await make_unit(client, admin, "甲局")
    # A number would otherwise be read as a Unix timestamp: 0 as 1970-01-01.
    for day in ("0", "0.0", "1704067200", "2024-13-01"):
        answer = await client.get(
            f"{API}/units/{unit}/occupancy", params={"as_of": day}, headers=admin
        )
        assert answer.status_code == 422, (day, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["errors"][0]["parameter"] == "as_of"
